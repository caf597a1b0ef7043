package io.hakuriver.api;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects what is wrong with one body while it is read and checked, so that a sender learns all its mistakes at
 * once; {@link #throwIfAny()} ends it. Only the first problem of a field is kept: a type error found while parsing
 * says more than the "Field required" its missing value would add afterwards, and one of {@code arguments[0]} more
 * than the record's own word on {@code arguments}.
 */
public final class Problems {
    private List<InvalidBody.Problem> found; // most bodies are fine: nothing allocated for them

    public void add(String field, String message, String type) {
        if (found == null) found = new ArrayList<>(2);
        for (InvalidBody.Problem p : found) if (covers(p.field(), field)) return;
        found.add(new InvalidBody.Problem(field, message, type));
    }

    /** Whether a problem already found at {@code seen} says what one at {@code field} would. */
    private static boolean covers(String seen, String field) {
        return seen.equals(field) || seen.startsWith(field) && (seen.charAt(field.length()) == '[' || seen.charAt(field.length()) == '.') && !field.isEmpty();
    }

    /** The problems of a nested body, their fields under {@code prefix}. */
    public void addAll(String prefix, InvalidBody e) {
        for (InvalidBody.Problem p : e.problems()) {
            String field = prefix.isEmpty() ? p.field() : p.field().isEmpty() ? prefix : prefix + "." + p.field();
            add(field, p.message(), p.type());
        }
    }

    public boolean isEmpty() { return found == null; }

    public void required(String field, Object value) {
        if (value == null) add(field, "Field required", "missing");
    }

    /** A number outside [min, max] (null is not checked: required() says whether it may be absent). */
    public void range(String field, Number value, long min, long max) {
        if (value != null && (value.longValue() < min || value.longValue() > max)) {
            add(field, field + " must be between " + min + " and " + max + " (got " + value + ")", "value_error");
        }
    }

    /** Ids of tasks: positive, none missing. */
    public void ids(String field, List<Long> ids) {
        if (ids == null) return;
        for (int i = 0; i < ids.size(); i++) {
            Long id = ids.get(i);
            if (id == null || id < 1) {
                add(field, field + " must be task ids between 1 and " + Long.MAX_VALUE + " (got " + id + ")", "value_error");
                return;
            }
        }
    }

    /** Lists (or a map's values) whose entries may not be null: [null] is not a list of strings. */
    public void noNulls(String field, java.util.Collection<?> list) {
        if (list == null) return;
        for (Object o : list) {
            if (o == null) { add(field, field + " must not contain null", "value_error"); return; }
        }
    }

    public void throwIfAny() {
        if (found != null) throw toException();
    }

    /** What was found, as the exception to throw; null when nothing was. */
    public InvalidBody toException() { return found == null ? null : new InvalidBody(found); }
}
