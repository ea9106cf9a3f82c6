package io.eflow.channel;

import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.eflow.channel.KeyFileAssertions.assertMode;
import static io.eflow.channel.KeyFileAssertions.assertSameKeyPair;
import static io.eflow.channel.KeyFileAssertions.sshKeygenFingerprint;
import static io.eflow.channel.KeyFileAssertions.sshKeygenPublicFromPrivate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuestHostKeyTest {
    @TempDir
    Path tmp;

    @Test
    void writesWhatSshdReadsAndPinsTheSameKey() throws Exception {
        GuestHostKey hostKey = GuestHostKey.generate();
        Path key = tmp.resolve("etc/ssh/ssh_host_ed25519_key");
        hostKey.writeForSshd(key);
        Path pub = tmp.resolve("etc/ssh/ssh_host_ed25519_key.pub");

        assertMode(key, "rw-------");
        assertMode(pub, "rw-r--r--");
        assertThat(Files.readString(pub).strip()).isEqualTo(hostKey.publicKeyLine());
        String fingerprint = KeyUtils.getFingerPrint(hostKey.publicKey());
        assertThat(sshKeygenFingerprint(key)).isEqualTo(fingerprint);
        assertThat(sshKeygenFingerprint(pub)).isEqualTo(fingerprint);
        assertThat(hostKey.publicKeyLine()).startsWith(sshKeygenPublicFromPrivate(key));

        assertThat(KeyUtils.compareKeys(GuestHostKey.readPinned(pub), hostKey.publicKey())).isTrue();
        assertSameKeyPair(SshKeys.readPrivateKey(key), hostKey.publicKey());
        assertThat(KeyUtils.compareKeys(GuestHostKey.readPinned(pub), GuestHostKey.generate().publicKey())).isFalse();
    }

    @Test
    void knownHostsLineIsFoundByOpenSsh() throws Exception {
        GuestHostKey hostKey = GuestHostKey.generate();
        Path knownHosts = tmp.resolve("known_hosts");
        Files.writeString(knownHosts, hostKey.knownHostsLine("eflow-guest-a") + "\n");

        assertThat(hostKey.knownHostsLine("eflow-guest-a")).matches("eflow-guest-a ssh-ed25519 [A-Za-z0-9+/=]+");
        Exec.Result found = Exec.of("ssh-keygen", "-F", "eflow-guest-a", "-f", knownHosts.toString()).run();
        assertThat(found.exitCode()).isZero();
        assertThat(found.stdout()).contains(hostKey.knownHostsLine("eflow-guest-a"));
        assertThat(Exec.of("ssh-keygen", "-F", "other", "-f", knownHosts.toString()).run().exitCode()).isNotZero();
    }

    @Test
    void readPinnedRejectsFilesWithoutAKey() throws Exception {
        Path empty = tmp.resolve("empty.pub");
        Files.writeString(empty, "# nothing here\n");
        assertThatThrownBy(() -> GuestHostKey.readPinned(empty)).isInstanceOf(EflowException.class)
                .hasMessageContaining("no OpenSSH public key");
        Path garbage = tmp.resolve("garbage.pub");
        Files.writeString(garbage, "ssh-ed25519 notbase64!!\n");
        assertThatThrownBy(() -> GuestHostKey.readPinned(garbage)).isInstanceOf(EflowException.class);
    }
}
