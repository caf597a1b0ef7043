package io.hakuriver.http;

import io.hakuriver.api.InvalidBody;
import io.hakuriver.api.RunRequest;
import io.hakuriver.api.WireReader;
import io.hakuriver.util.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A wire body that is not its record becomes the original's 422 shape, and reads back as plain words on our side. */
class WireErrorsTest {
    @Test void anInvalidBodyIsTheOriginals422AndReadsBackAsOneLine() {
        InvalidBody e = catchThrowableOfType(InvalidBody.class,
                () -> WireReader.of(RunRequest.class).read("{\"task_id\": \"x\"}".getBytes(StandardCharsets.UTF_8)));
        ApiException api = ApiException.invalid(e);
        assertThat(api.status).isEqualTo(422);
        String body = Json.write(java.util.Map.of("detail", api.detail));
        assertThat(Json.tree(body)).isEqualTo(Json.tree("{\"detail\":[{\"loc\":[\"body\",\"task_id\"],\"msg\":\"Input should be a valid integer\",\"type\":\"int_type\"},"
                + "{\"loc\":[\"body\",\"command\"],\"msg\":\"Field required\",\"type\":\"missing\"}]}"));
        assertThat(ErrorDetail.of(body)).isEqualTo("task_id: Input should be a valid integer; command: Field required");
        InvalidBody empty = catchThrowableOfType(InvalidBody.class, () -> WireReader.of(RunRequest.class).read(new byte[0]));
        assertThat(Json.write(ApiException.invalid(empty).detail)).contains("\"loc\":[\"body\"]");
        assertThat(ErrorDetail.of("{\"detail\": \"Task ID not recognized\"}")).isEqualTo("Task ID not recognized");
        assertThat(ErrorDetail.of("{\"detail\": [1, 2]}")).isEqualTo("[1,2]");
    }
}
