package io.hakuriver.systemd;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceAccountTest {
    /** An account every Debian system has, with its passwd home. */
    static final String OTHER = "daemon";

    @Test void underSudoTheUnitsRunAsTheInvokingUser() {
        ServiceAccount a = ServiceAccount.choose(null, true, OTHER);
        assertThat(a.user()).isEqualTo(OTHER);
        assertThat(a.group()).isEqualTo(UnixUsers.groupName(UnixUsers.byName(OTHER).orElseThrow().gid()).orElseThrow());
        assertThat(a.home().toString()).isEqualTo(UnixUsers.byName(OTHER).orElseThrow().home());
        assertThat(a.note()).contains("$SUDO_USER", "--user root");
    }

    @Test void userOptionWinsAndRootStaysRootWhenAsked() {
        assertThat(ServiceAccount.choose("root", true, OTHER).user()).isEqualTo("root");
        assertThat(ServiceAccount.choose(null, false, OTHER).user()).isEqualTo(UnixUsers.currentUserName()); // not under sudo
        assertThat(ServiceAccount.choose(null, true, "root").user()).isEqualTo(UnixUsers.currentUserName());
    }

    @Test void unknownAccountIsAClearError() {
        assertThatThrownBy(() -> ServiceAccount.choose("no-such-user-hk", false, null))
                .hasMessageContaining("no account 'no-such-user-hk'");
    }
}
