package io.eflow.channel;

import io.eflow.platform.EflowException;
import io.eflow.platform.Privileges;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * What rotate-keys relies on in OpenSSH 9.2's sshd (configured like the guest's, one {@code sshd -i} per connection)
 * and in the pool: a TrustedUserCAKeys file of several lines, a host key replaced on disk, the pool through each step.
 * Needs root (see {@link OpenSshServerFixture}).
 */
class KeyRotationSshdIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private OpenSshServerFixture sshd;

    @BeforeEach
    void startSshd() throws IOException {
        assumeThat(Privileges.isRoot()).as("sshd -i and its mount namespace need root").isTrue();
        sshd = OpenSshServerFixture.start();
    }

    @AfterEach
    void stopSshd() throws IOException {
        if (sshd != null) {
            sshd.close();
        }
    }

    @Test
    void aTrustFileOfTwoCasAdmitsBothAndTheOldCaIsRefusedOnceDropped() throws IOException {
        UserCaKeys cas = UserCaKeys.load(sshd.dir.resolve("ca"));
        UserCertificateAuthority old = cas.current();
        try (GuestConnections pool = new GuestConnections(cas)) {
            UserCertificateAuthority next = cas.introduce();
            writeTrust(cas.trusted());
            assertLogsIn(old);
            assertLogsIn(next);
            assertThat(pool.exec(sshd.endpoint("g"), "true", null, TIMEOUT).exitCode()).isZero();

            cas.promote();
            pool.invalidate("g");
            assertThat(pool.exec(sshd.endpoint("g"), "true", null, TIMEOUT).exitCode()).as("the pool signs with the new CA").isZero();
            writeTrust(List.of(cas.current()));
            cas.retire();
            assertLogsIn(next);
            try (GuestConnections stale = new GuestConnections(old)) {
                assertThatThrownBy(() -> stale.exec(sshd.endpoint("g"), "true", null, TIMEOUT))
                        .isInstanceOf(EflowException.class).hasMessageContaining("refused eflow's certificate");
            }
            pool.invalidate("g");
            assertThat(pool.exec(sshd.endpoint("g"), "true", null, TIMEOUT).exitCode()).isZero();
        }
    }

    @Test
    void thePoolKeepsItsSessionWhileTheIncomingKeyIsAcceptedAndVerifiesTheNewKeyOncePinned(@TempDir Path keys)
            throws IOException {
        Path pinned = keys.resolve("ssh_host_ed25519_key.pub");
        SshKeys.writePublicLine(pinned, sshd.hostKey.publicKeyLine());
        HostKeyPin pin = new HostKeyPin(pinned, keys.resolve("ssh_host_ed25519_key.next"));
        try (GuestConnections pool = new GuestConnections(sshd.ca)) {
            assertThat(pool.exec(endpoint(pin), "true", null, TIMEOUT).exitCode()).isZero();
            int sessions = sshd.connections();

            GuestHostKey next = pin.begin();
            next.writeForSshd(sshd.dir.resolve("ssh_host_ed25519_key"));
            assertThat(pool.exec(endpoint(pin), "true", null, TIMEOUT).exitCode()).isZero();
            assertThat(sshd.connections()).as("the pooled session, made with the old key, is still accepted").isEqualTo(sessions);
            try (GuestConnections onlyNew = new GuestConnections(sshd.ca)) {
                GuestEndpoint newKeyOnly = new GuestEndpoint("g", sshd.socket, next.publicKey(), sshd.user);
                assertThat(onlyNew.exec(newKeyOnly, "true", null, TIMEOUT).exitCode()).as("a fresh sshd presents the new key").isZero();
            }

            pin.commit(next);
            assertThat(pool.exec(endpoint(pin), "true", null, TIMEOUT).exitCode()).isZero();
            assertThat(sshd.connections()).as("a new session, which verified the new key").isGreaterThan(sessions + 1);
            GuestEndpoint oldPin = new GuestEndpoint("old", sshd.socket, sshd.hostKey.publicKey(), sshd.user);
            assertThatThrownBy(() -> pool.exec(oldPin, "true", null, TIMEOUT))
                    .isInstanceOf(EflowException.class).hasMessageContaining("does not match the pinned one");
        }
    }

    /** The moment between the guest's two renames: OpenSSH 9.2 reports the mismatch and serves the private key's half. */
    @Test
    void aPublicFileOfAnotherKeyBesideTheHostKeyDoesNotStopSshd() throws IOException {
        GuestHostKey next = GuestHostKey.generate();
        Path hostKey = sshd.dir.resolve("ssh_host_ed25519_key");
        Files.write(hostKey, next.openSshPrivateKey()); // the private key replaced, its .pub not yet
        assertThat(KeyUtils.compareKeys(GuestHostKey.readPinned(GuestHostKey.publicFile(hostKey)), sshd.hostKey.publicKey())).isTrue();
        try (GuestConnections pool = new GuestConnections(sshd.ca)) {
            GuestEndpoint newKey = new GuestEndpoint("g", sshd.socket, next.publicKey(), sshd.user);
            assertThat(pool.exec(newKey, "true", null, TIMEOUT).exitCode()).isZero();
        }
    }

    private GuestEndpoint endpoint(HostKeyPin pin) {
        return new GuestEndpoint("g", sshd.socket, pin.pinned(), sshd.user, pin.incoming().orElse(null));
    }

    private void writeTrust(List<UserCertificateAuthority> cas) throws IOException {
        Files.write(sshd.dir.resolve("eflow_user_ca.pub"), UserCaKeys.trustFile(cas));
    }

    private void assertLogsIn(UserCertificateAuthority ca) {
        try (GuestConnections fresh = new GuestConnections(ca)) {
            assertThat(fresh.exec(sshd.endpoint("g"), "true", null, TIMEOUT).exitCode()).isZero();
        }
    }
}
