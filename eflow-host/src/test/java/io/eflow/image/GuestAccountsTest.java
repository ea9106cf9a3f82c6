package io.eflow.image;

import io.eflow.platform.EflowException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuestAccountsTest {
    private final GuestAccounts.Account user = GuestAccounts.Account.iotedgeUser();

    @Test
    void appendsLinesInUseraddForm() {
        String passwd = GuestAccounts.addToPasswd("root:x:0:0:root:/root:/bin/bash", user);
        assertThat(passwd).isEqualTo("root:x:0:0:root:/root:/bin/bash\n"
                + "iotedge-user:x:1000:1000:IoT Edge user:/home/iotedge-user:/bin/bash\n");
        assertThat(GuestAccounts.find(passwd, "iotedge-user")).containsExactly(
                "iotedge-user", "x", "1000", "1000", "IoT Edge user", "/home/iotedge-user", "/bin/bash");
        assertThat(GuestAccounts.addToShadow("", user, 20089)).isEqualTo("iotedge-user:*:20089:0:99999:7:::\n");
        assertThat(GuestAccounts.addToGroup("root:x:0:\n", user)).isEqualTo("root:x:0:\niotedge-user:x:1000:\n");
        assertThat(GuestAccounts.addToGshadow("root:*::\n", user)).isEqualTo("root:*::\niotedge-user:!::\n");
    }

    @Test
    void refusesATakenUidOrGid() {
        assertThatThrownBy(() -> GuestAccounts.addToPasswd("debian:x:1000:1000::/home/debian:/bin/sh\n", user))
                .isInstanceOf(EflowException.class)
                .hasMessage("the Debian base already has id 1000 (debian) in /etc/passwd");
        assertThatThrownBy(() -> GuestAccounts.addToGroup("users:x:100:\ndebian:x:1000:\n", user))
                .hasMessage("the Debian base already has id 1000 (debian) in /etc/group");
    }

    @Test
    void aPrefixOfTheNameIsNotAClash() {
        assertThat(GuestAccounts.addToShadow("iotedge:!:1:0:99999:7:::\n", user, 2)).contains("iotedge-user:*:2:");
        assertThat(GuestAccounts.find("iotedge:x:5:5::/:/bin/sh\n", "iotedge-user")).isEmpty();
    }
}
