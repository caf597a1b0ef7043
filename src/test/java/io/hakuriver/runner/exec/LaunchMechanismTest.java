package io.hakuriver.runner.exec;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LaunchMechanismTest {
    @Test void vforkOnLinuxJdksThatHaveItUnlessTheOperatorChose() {
        assertThat(LaunchMechanism.choice(null, "Linux", 17)).isEqualTo("VFORK");
        assertThat(LaunchMechanism.choice(null, "Linux", 21)).isEqualTo("VFORK");
        assertThat(LaunchMechanism.choice(null, "Linux", 24)).isEqualTo("VFORK");
        assertThat(LaunchMechanism.choice(null, "Linux", 25)).as("deprecated from 25: the JDK's default").isNull();
        assertThat(LaunchMechanism.choice(null, "Linux", 27)).isNull();
        assertThat(LaunchMechanism.choice("POSIX_SPAWN", "Linux", 17)).as("the operator's choice stands").isNull();
        assertThat(LaunchMechanism.choice("", "Linux", 17)).isEqualTo("VFORK");
        assertThat(LaunchMechanism.choice(null, "Mac OS X", 17)).isNull();
    }
}
