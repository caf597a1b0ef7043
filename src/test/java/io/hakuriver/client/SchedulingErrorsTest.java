package io.hakuriver.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SchedulingErrorsTest {
    static final String WIRE = "Failed to schedule task for any target. Failures: [{'target': 'nosuch', 'reason': 'Node not registered'},"
            + " {'target': 'n1:7', 'reason': 'Invalid NUMA ID for node (Valid: [0])'}]";

    @Test void theOriginalsReprBecomesOneLinePerTarget() {
        assertThat(SchedulingErrors.readable(WIRE)).isEqualTo("""
                no target could take the task:
                  --target nosuch: Node not registered
                  --target n1:7: Invalid NUMA ID for node (Valid: [0])""");
        assertThat(SchedulingErrors.readable(WIRE)).doesNotContain("{'", "[{");
    }

    @Test void otherTextsAreLeftAlone() {
        assertThat(SchedulingErrors.readable("No online node has 64 free cores")).isNull();
        assertThat(SchedulingErrors.parse(null)).isEmpty();
    }

    @Test void theClientErrorCarriesTheReadableFormAndIsNotRetried() {
        var e = HostClient.error(503, "{\"detail\": \"" + WIRE + "\"}");
        assertThat(e).isNotInstanceOf(HostUnavailable.class);
        assertThat(e.getMessage()).startsWith("no target could take the task:").contains("--target nosuch: Node not registered");
        assertThat(HostClient.error(502, "Bad Gateway")).isInstanceOf(HostUnavailable.class);
        assertThat(HostClient.error(404, "{\"detail\": \"Task not found\"}")).isNotInstanceOf(HostUnavailable.class);
    }
}
