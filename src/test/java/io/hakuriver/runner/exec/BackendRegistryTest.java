package io.hakuriver.runner.exec;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BackendRegistryTest {
    @Test void whatEveryHostSendsForNoContainerMeansNoContainer() {
        assertThat(BackendRegistry.isNoContainer("")).isTrue();
        assertThat(BackendRegistry.isNoContainer(null)).isTrue();
        assertThat(BackendRegistry.isNoContainer("NULL")).isTrue();
        assertThat(BackendRegistry.isNoContainer("hakuriver/None:base")).as("a v0.1 Host's --container NULL").isTrue();
        assertThat(BackendRegistry.isNoContainer("hakuriver/none:base")).as("an environment really named 'none'").isFalse();
        assertThat(BackendRegistry.isNoContainer("hakuriver/hakuriver-base:base")).isFalse();
    }
}
