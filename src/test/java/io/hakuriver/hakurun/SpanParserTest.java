package io.hakuriver.hakurun;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpanParserTest {

    private static List<String> texts(String arg) {
        return SpanParser.expand(arg).stream().map(SpanValue::text).toList();
    }

    @Test void plainArgumentsPassUnchanged() {
        assertThat(SpanParser.expand("--lr")).containsExactly(SpanValue.literal("--lr"));
        assertThat(texts("  spaced  ")).containsExactly("  spaced  ");
        assertThat(texts("Span:[a,b]")).as("prefix is case-sensitive").containsExactly("Span:[a,b]");
        assertThat(texts("x span:[a,b]")).containsExactly("x span:[a,b]");
    }

    @Test void rangeIsInclusiveAndMarksIntegers() {
        assertThat(SpanParser.expand("span:{1..3}"))
                .containsExactly(SpanValue.ofInt(1), SpanValue.ofInt(2), SpanValue.ofInt(3))
                .allMatch(SpanValue::integer);
        assertThat(texts("span:{5..5}")).containsExactly("5");
    }

    @Test void rangeAcceptsNegativeBoundsAndSpaces() {
        assertThat(texts("span:{-2..1}")).containsExactly("-2", "-1", "0", "1");
        assertThat(texts("span: { -1 .. 1 } ")).containsExactly("-1", "0", "1");
        assertThat(texts("span:{+1..2}")).containsExactly("1", "2");
    }

    @Test void descendingRangeCountsDown() {
        assertThat(texts("span:{3..1}")).containsExactly("3", "2", "1");
        assertThat(texts("span:{1..-1}")).containsExactly("1", "0", "-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"span:{1..}", "span:{..2}", "span:{a..b}", "span:{1..2..3}", "span:{1.5..3}", "span:{}",
            "span:{1-3}", "span:{1..3", "span:{ }"})
    void badRangeNamesTheArgument(String arg) {
        assertThatThrownBy(() -> SpanParser.expand(arg))
                .isInstanceOf(HakurunInputException.class)
                .hasMessageContaining("'" + arg + "'")
                .hasMessageContaining("span:{int..int}");
    }

    @Test void braceListIsAnErrorWithAHintNotASilentLiteral() {
        assertThatThrownBy(() -> SpanParser.expand("span:{32,64}"))
                .hasMessage("Invalid range format in 'span:{32,64}'. Expected 'span:{int..int}'. For a list of values use 'span:[32,64]'.");
    }

    @Test void hugeRangeIsRefused() {
        assertThatThrownBy(() -> SpanParser.expand("span:{1..2000000}"))
                .hasMessageContaining("'span:{1..2000000}'").hasMessageContaining("2000000 values");
        assertThatThrownBy(() -> SpanParser.expand("span:{-9223372036854775808..9223372036854775807}"))
                .hasMessageContaining("too many");
        assertThat(SpanParser.expand("span:{1..1000000}")).hasSize(1_000_000);
    }

    @Test void listItemsAreTrimmedStrings() {
        assertThat(SpanParser.expand("span:[ a , b b ,c]"))
                .containsExactly(SpanValue.literal("a"), SpanValue.literal("b b"), SpanValue.literal("c"));
        assertThat(SpanParser.expand("span:[1,2]")).noneMatch(SpanValue::integer);
    }

    @Test void emptyListHasNoValuesButEmptyItemsAreKept() {
        assertThat(texts("span:[]")).isEmpty();
        assertThat(texts("span:[   ]")).isEmpty();
        assertThat(texts("span:[a,]")).containsExactly("a", "");
        assertThat(texts("span:[,]")).containsExactly("", "");
    }

    @Test void backslashEscapesCommasBracketsBackslashAndSpace() {
        assertThat(texts("span:[a\\,b,c]")).containsExactly("a,b", "c");
        assertThat(texts("span:[\\[x\\],y]")).containsExactly("[x]", "y");
        assertThat(texts("span:[C:\\\\dir]")).containsExactly("C:\\dir");
        assertThat(texts("span:[\\ padded\\ , x ]")).containsExactly(" padded ", "x");
        assertThat(texts("span:[\\ ]")).containsExactly(" ");
    }

    @Test void badListsNameTheArgument() {
        assertThatThrownBy(() -> SpanParser.expand("span:[a,b")).hasMessageContaining("'span:[a,b'").hasMessageContaining("missing closing ']'");
        assertThatThrownBy(() -> SpanParser.expand("span:[a]b")).hasMessageContaining("'span:[a]b'").hasMessageContaining("after ']'");
        assertThatThrownBy(() -> SpanParser.expand("span:[a,[b]]")).hasMessageContaining("nested '['");
        assertThatThrownBy(() -> SpanParser.expand("span:[a\\qb]")).hasMessageContaining("Invalid escape '\\q'").hasMessageContaining("'span:[a\\qb]'");
        assertThatThrownBy(() -> SpanParser.expand("span:[a\\]")).hasMessageContaining("missing closing ']'");
        assertThatThrownBy(() -> SpanParser.expand("span:[a\\")).hasMessageContaining("backslash at the end");
    }

    @Test void otherTextAfterPrefixIsOneLiteralValue() {
        assertThat(SpanParser.expand("span:hello")).containsExactly(SpanValue.literal("hello"));
        assertThat(texts("span:  x y ")).containsExactly("x y");
        assertThat(texts("span:")).containsExactly("");
        assertThat(texts("span:[span:x]")).as("how to pass a value that itself starts with span:").containsExactly("span:x");
    }
}
