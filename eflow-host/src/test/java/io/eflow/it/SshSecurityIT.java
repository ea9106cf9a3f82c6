package io.eflow.it;

import io.eflow.channel.ClientIdentity;
import io.eflow.channel.GuestConnections;
import io.eflow.channel.GuestEndpoint;
import io.eflow.channel.GuestHostKey;
import io.eflow.channel.UserCertificateAuthority;
import io.eflow.daemon.api.ConnectInfo;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;
import io.eflow.platform.FileTrees;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Attacks on the management channel with the real OpenSSH client and eflow's own: passwords, a certificate from
 * another install, a root login, and a guest presenting a host key other than the pinned one.
 */
@BothBackends
@VmCheck
class SshSecurityIT extends SharedGuestTest {
    private Path socket;

    @BeforeEach
    void findSocket() {
        socket = InstanceLayout.of(host.paths(), guest).sshSocket();
    }

    /** Runs the host's OpenSSH client through the guest's socket, non-interactively. */
    private Exec.Result openSsh(String user, List<String> options) {
        List<String> argv = new ArrayList<>(List.of("ssh", "-F", "/dev/null", "-o", "BatchMode=yes",
                "-o", "ProxyCommand=socat - UNIX-CONNECT:" + socket, "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=30"));
        argv.addAll(options);
        argv.add(user + "@guest");
        argv.add("echo logged-in");
        return Exec.of(argv).timeoutSeconds(60).run();
    }

    @Test
    void theGuestOffersNoPasswordOrKeyboardInteractiveLogin() {
        Exec.Result result = openSsh("iotedge-user", List.of("-o", "PreferredAuthentications=password,keyboard-interactive",
                "-o", "PubkeyAuthentication=no"));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stdout()).doesNotContain("logged-in");
        // the server lists the methods it accepts: public key only
        assertThat(result.stderr()).contains("Permission denied (publickey)");
    }

    @Test
    void thisInstallsCertificateGetsInWithOpenSsh() {
        ConnectInfo info = host.manager().connect(guest);
        Exec.Result result = openSsh(info.user(), List.of("-i", info.identityFile(), "-o", "CertificateFile=" + info.certificateFile(),
                "-o", "IdentitiesOnly=yes"));
        assertThat(result.stdout()).contains("logged-in");
    }

    @Test
    void aCertificateFromAnotherInstallIsRefused() throws Exception {
        Path other = Files.createTempDirectory("eflow-other-ca");
        try {
            UserCertificateAuthority otherCa = UserCertificateAuthority.loadOrCreate(other.resolve("ca"));
            ClientIdentity identity = otherCa.issue("iotedge-user", Duration.ofMinutes(5));
            Path key = other.resolve("id");
            identity.writeOpenSsh(key);
            Exec.Result result = openSsh("iotedge-user", List.of("-i", key.toString(), "-o", "CertificateFile=" + key + "-cert.pub",
                    "-o", "IdentitiesOnly=yes"));
            assertThat(result.stdout()).doesNotContain("logged-in");
            assertThat(result.stderr()).contains("Permission denied");

            try (GuestConnections foreign = new GuestConnections(otherCa)) {
                GuestEndpoint endpoint = new GuestEndpoint(guest, socket,
                        GuestHostKey.readPinned(InstanceLayout.of(host.paths(), guest).pinnedHostKey()), "iotedge-user");
                assertThatThrownBy(() -> foreign.exec(endpoint, "true", new byte[0], Duration.ofSeconds(10)))
                        .isInstanceOf(EflowException.class).hasMessageContaining("refused");
            }
        } finally {
            FileTrees.deleteRecursively(other);
        }
    }

    @Test
    void rootCannotLogInEvenWithAValidCertificate() throws Exception {
        Path dir = Files.createTempDirectory("eflow-root-cert");
        try {
            UserCertificateAuthority ca = UserCertificateAuthority.loadOrCreate(host.paths().userCa());
            ClientIdentity identity = ca.issue("root", Duration.ofMinutes(5));
            Path key = dir.resolve("id");
            identity.writeOpenSsh(key);
            Exec.Result result = openSsh("root", List.of("-i", key.toString(), "-o", "CertificateFile=" + key + "-cert.pub",
                    "-o", "IdentitiesOnly=yes"));
            assertThat(result.stdout()).doesNotContain("logged-in");
            assertThat(result.stderr()).contains("Permission denied");
        } finally {
            FileTrees.deleteRecursively(dir);
        }
    }

    @Test
    void aGuestWhoseHostKeyDiffersFromThePinnedOneIsRefused() {
        UserCertificateAuthority ca = UserCertificateAuthority.loadOrCreate(host.paths().userCa());
        try (GuestConnections connections = new GuestConnections(ca)) {
            GuestEndpoint impostorPin = new GuestEndpoint(guest, socket, GuestHostKey.generate().publicKey(), "iotedge-user");
            assertThatThrownBy(() -> connections.exec(impostorPin, "true", new byte[0], Duration.ofSeconds(10)))
                    .isInstanceOf(EflowException.class)
                    .hasMessageContaining("does not match the pinned one");
        }
    }
}
