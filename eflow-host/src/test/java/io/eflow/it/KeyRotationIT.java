package io.eflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.channel.ClientIdentity;
import io.eflow.channel.GuestConnections;
import io.eflow.channel.GuestEndpoint;
import io.eflow.channel.GuestHostKey;
import io.eflow.channel.UserCertificateAuthority;
import io.eflow.daemon.api.ConnectInfo;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.PowerState;
import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;
import io.eflow.platform.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code eflow rotate-keys} on real guests, through the real launcher (eflowd started on demand does the rotation, so
 * this JVM's own pool has to follow it from the files): afterwards the CLI and this JVM still reach every guest, a
 * guest that was stopped during the rotation starts and is reached, a certificate of the old CA is refused by the
 * guest's sshd, the old host key is no longer what any guest presents, and the OpenSSH login of {@code eflow connect}
 * works with the new material.
 */
@BothBackends
class KeyRotationIT extends SharedGuestTest {
    private static final String STOPPED = "it-rotate-stopped";

    @AfterEach
    void stopDaemonAndRemoveTheStoppedGuest() throws Exception {
        Launcher.stopDaemon(host.paths().home().toString());
        if (Files.exists(host.paths().instance(STOPPED))) {
            host.manager().remove(STOPPED);
        }
    }

    @Test
    void afterRotatingEverythingOnlyTheNewCaAndHostKeysWork() throws Exception {
        Path work = host.workDir("key-rotation-" + backend);
        UserCertificateAuthority oldCa = UserCertificateAuthority.loadOrCreate(host.paths().userCa());
        Path oldIdentity = work.resolve("old-ca-id");
        oldCa.issue("iotedge-user", Duration.ofMinutes(30)).writeOpenSsh(oldIdentity);
        InstanceLayout layout = InstanceLayout.of(host.paths(), guest);
        PublicKey oldHostKey = GuestHostKey.readPinned(layout.pinnedHostKey());
        Path oldKnownHosts = work.resolve("old_known_hosts");
        Files.writeString(oldKnownHosts, GuestHostKey.knownHostsLine("eflow-" + guest, oldHostKey) + "\n");
        assertThat(run("true")).as("this JVM's pool has a session made with the old key and CA").isEmpty();

        host.manager().deploy(TestHost.request(STOPPED, backend), line -> System.out.println("[deploy " + backend + "] " + line));
        PublicKey stoppedOldHostKey = GuestHostKey.readPinned(InstanceLayout.of(host.paths(), STOPPED).pinnedHostKey());
        host.manager().stop(STOPPED);

        Exec.Result rotated = eflow("rotate-keys", "--all", "--json");
        assertThat(rotated.exitCode()).as(rotated.stderr()).isZero();
        JsonNode answer = Json.mapper().readTree(rotated.stdout());
        UserCertificateAuthority newCa = UserCertificateAuthority.loadOrCreate(host.paths().userCa());
        assertThat(answer.path("userCa").path("previous").asText()).isEqualTo(oldCa.fingerprint());
        assertThat(answer.path("userCa").path("current").asText()).isEqualTo(newCa.fingerprint()).isNotEqualTo(oldCa.fingerprint());
        assertThat(hostKeyEntry(answer, guest).path("running").asBoolean()).isTrue();
        assertThat(hostKeyEntry(answer, STOPPED).path("running").asBoolean()).isFalse();
        assertThat(hostKeyEntry(answer, guest).path("previous").asText()).isEqualTo(GuestHostKey.fingerprint(oldHostKey));
        PublicKey newHostKey = GuestHostKey.readPinned(layout.pinnedHostKey());
        assertThat(hostKeyEntry(answer, guest).path("current").asText()).isEqualTo(GuestHostKey.fingerprint(newHostKey));
        assertThat(Files.list(host.paths().userCa()).map(p -> p.getFileName().toString()).toList())
                .as("the old CA's key is gone from the host").containsExactlyInAnyOrder("user_ca", "user_ca.pub");

        Exec.Result invoke = eflow("invoke", "--name", guest, "--", "true");
        assertThat(invoke.exitCode()).as(invoke.stderr()).isZero();
        assertThat(run("echo", "still")).as("this JVM follows the rotation eflowd did").isEqualTo("still");
        assertThat(run("sudo", "cat", "/etc/ssh/eflow_user_ca.pub").lines().toList()).containsExactly(newCa.publicKeyLine());
        assertThat(run("sudo", "cat", "/etc/ssh/ssh_host_ed25519_key.pub")).isEqualTo(Files.readString(layout.pinnedHostKey()).strip());
        assertThat(run("sudo", "ls", "-A", "/etc/ssh")).doesNotContain("eflow-new");

        Exec.Result oldCertificate = openSsh("iotedge-user", List.of("-i", oldIdentity.toString(),
                "-o", "CertificateFile=" + ClientIdentity.certificateFile(oldIdentity), "-o", "IdentitiesOnly=yes",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null"));
        assertThat(oldCertificate.stdout()).doesNotContain("logged-in");
        assertThat(oldCertificate.stderr()).contains("Permission denied");

        ConnectInfo info = host.manager().connect(guest);
        List<String> connect = List.of("-i", info.identityFile(), "-o", "CertificateFile=" + info.certificateFile(),
                "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=yes", "-o", "HostKeyAlias=" + info.hostAlias());
        Exec.Result withNewMaterial = openSsh(info.user(), concat(connect, "-o", "UserKnownHostsFile=" + info.knownHostsFile()));
        assertThat(withNewMaterial.stdout()).as(withNewMaterial.stderr()).contains("logged-in");
        Exec.Result oldKeyPinned = openSsh(info.user(), concat(connect, "-o", "UserKnownHostsFile=" + oldKnownHosts));
        assertThat(oldKeyPinned.stdout()).doesNotContain("logged-in");
        assertThat(oldKeyPinned.stderr()).contains("Host key verification failed");
        try (GuestConnections pool = new GuestConnections(newCa)) {
            GuestEndpoint oldPin = new GuestEndpoint(guest, layout.sshSocket(), oldHostKey, "iotedge-user");
            assertThatThrownBy(() -> pool.exec(oldPin, "true", new byte[0], Duration.ofSeconds(30)))
                    .isInstanceOf(EflowException.class).hasMessageContaining("does not match the pinned one");
        }

        host.manager().start(STOPPED);
        assertThat(host.manager().powerState(STOPPED)).isEqualTo(PowerState.RUNNING);
        assertThat(host.manager().invoke(STOPPED, List.of("sudo", "cat", "/etc/ssh/eflow_user_ca.pub"), Duration.ofSeconds(60))
                .stdoutText().lines().toList()).as("the guest stopped during the rotation trusts the new CA alone")
                .containsExactly(newCa.publicKeyLine());
        PublicKey stoppedNewHostKey = GuestHostKey.readPinned(InstanceLayout.of(host.paths(), STOPPED).pinnedHostKey());
        assertThat(GuestHostKey.fingerprint(stoppedNewHostKey)).isNotEqualTo(GuestHostKey.fingerprint(stoppedOldHostKey))
                .isEqualTo(hostKeyEntry(answer, STOPPED).path("current").asText());
    }

    @Test
    void rotatingOneGuestsHostKeyChangesNothingElse() throws Exception {
        InstanceLayout layout = InstanceLayout.of(host.paths(), guest);
        String before = Files.readString(layout.pinnedHostKey());
        String caBefore = UserCertificateAuthority.loadOrCreate(host.paths().userCa()).fingerprint();

        Exec.Result rotated = eflow("rotate-keys", "--name", guest);
        assertThat(rotated.exitCode()).as(rotated.stderr()).isZero();
        assertThat(rotated.stdout()).startsWith(guest + ": host key ").contains("(in the running guest)");
        assertThat(Files.readString(layout.pinnedHostKey())).isNotEqualTo(before);
        assertThat(Files.exists(layout.incomingHostKey())).isFalse();
        assertThat(UserCertificateAuthority.loadOrCreate(host.paths().userCa()).fingerprint()).isEqualTo(caBefore);
        assertThat(eflow("invoke", "--name", guest, "--", "true").exitCode()).isZero();
        assertThat(run("sudo", "cat", "/etc/ssh/ssh_host_ed25519_key.pub")).isEqualTo(Files.readString(layout.pinnedHostKey()).strip());

        Exec.Result both = eflow("rotate-keys", "--name", guest, "--all");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.stderr().lines().toList()).hasSize(1).allSatisfy(line -> assertThat(line).startsWith("eflow: "));
    }

    private static JsonNode hostKeyEntry(JsonNode answer, String name) {
        for (JsonNode entry : answer.path("hostKeys")) {
            if (entry.path("name").asText().equals(name)) {
                return entry;
            }
        }
        throw new AssertionError("no host key entry for " + name + " in " + answer);
    }

    private Exec.Result eflow(String... args) {
        return Launcher.run(host, 300, args);
    }

    /** The host's OpenSSH client through the guest's socket, non-interactively, as {@code eflow connect} runs it. */
    private Exec.Result openSsh(String user, List<String> options) {
        Path socket = InstanceLayout.of(host.paths(), guest).sshSocket();
        List<String> argv = new ArrayList<>(List.of("ssh", "-F", "/dev/null", "-o", "BatchMode=yes",
                "-o", "ProxyCommand=socat - UNIX-CONNECT:" + socket, "-o", "ConnectTimeout=30"));
        argv.addAll(options);
        argv.add(user + "@eflow-" + guest);
        argv.add("echo logged-in");
        return Exec.of(argv).timeoutSeconds(60).run();
    }

    private static List<String> concat(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }
}
