package io.eflow.it;

import io.eflow.channel.GuestConnections;
import io.eflow.channel.GuestEndpoint;
import io.eflow.channel.GuestHostKey;
import io.eflow.channel.UserCertificateAuthority;
import io.eflow.daemon.api.ConnectInfo;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.platform.Exec;
import io.eflow.platform.FileTrees;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The host-only channel behaves the same on both backends: many commands at once over the pooled connection,
 * OpenSSH sessions ('eflow connect') beside it and one after another, and SFTP both ways.
 */
@BothBackends
@VmCheck
class ChannelIT extends SharedGuestTest {

    @Test
    void eightCommandsAtOnceShareTheChannel() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int n = i;
                answers.add(pool.submit((Callable<String>) () -> run("sh", "-c", "sleep 0.5; echo " + n)));
            }
            for (int i = 0; i < 8; i++) {
                assertThat(answers.get(i).get()).isEqualTo(Integer.toString(i));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void openSshSessionsRunBesideThePooledConnectionAndOneAfterAnother() {
        run("true"); // the pooled connection is open
        ConnectInfo info = host.manager().connect(guest);
        // back to back on the same socket: each session must get a fresh sshd, never the end of the last one
        for (int i = 0; i < 4; i++) {
            Exec.Result ssh = Exec.of("ssh", "-F", "/dev/null", "-o", "ProxyCommand=socat - UNIX-CONNECT:" + info.socket(),
                    "-o", "UserKnownHostsFile=" + info.knownHostsFile(), "-o", "StrictHostKeyChecking=yes", "-o", "ConnectTimeout=30",
                    "-o", "HostKeyAlias=" + info.hostAlias(), "-i", info.identityFile(), "-o", "CertificateFile=" + info.certificateFile(),
                    "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", info.user() + "@" + info.hostAlias(), "echo", "via-openssh-" + i)
                    .timeoutSeconds(60).run();
            assertThat(ssh.exitCode()).as("session %d: %s", i, ssh.stderr()).isZero();
            assertThat(ssh.stdout().strip()).isEqualTo("via-openssh-" + i);
        }
        assertThat(run("echo", "pool-still-works")).isEqualTo("pool-still-works");
    }

    /**
     * Every session starts promptly, not only the typical one: fifty fresh OpenSSH sessions ('eflow connect') in a row,
     * then twenty-five fresh logins as the daemon's pool makes when it reconnects, each within twice its series' median (a
     * third of a second of slack for the namespace backend's sub-second medians, where a scheduling hiccup is larger
     * than the median itself).
     */
    @Test
    void fiftySessionsInARowEachStartWithinTwiceTheMedian() {
        run("true");
        ConnectInfo info = host.manager().connect(guest);
        List<Long> openSsh = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            long start = System.nanoTime();
            Exec.Result ssh = Exec.of("ssh", "-F", "/dev/null", "-o", "ProxyCommand=socat - UNIX-CONNECT:" + info.socket(),
                    "-o", "UserKnownHostsFile=" + info.knownHostsFile(), "-o", "StrictHostKeyChecking=yes", "-o", "ConnectTimeout=60",
                    "-o", "HostKeyAlias=" + info.hostAlias(), "-i", info.identityFile(), "-o", "CertificateFile=" + info.certificateFile(),
                    "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", info.user() + "@" + info.hostAlias(), "true")
                    .timeoutSeconds(90).run();
            openSsh.add((System.nanoTime() - start) / 1_000_000);
            assertThat(ssh.exitCode()).as("session %d: %s", i, ssh.stderr()).isZero();
        }
        InstanceLayout layout = InstanceLayout.of(host.paths(), guest);
        GuestEndpoint endpoint = new GuestEndpoint(guest, layout.sshSocket(), GuestHostKey.readPinned(layout.pinnedHostKey()),
                GuestEndpoint.DEFAULT_USER);
        UserCertificateAuthority authority = UserCertificateAuthority.loadOrCreate(host.paths().userCa());
        List<Long> logins = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            long start = System.nanoTime();
            try (GuestConnections fresh = new GuestConnections(authority)) {
                assertThat(fresh.exec(endpoint, "true", new byte[0], Duration.ofSeconds(90)).exitCode()).isZero();
            }
            logins.add((System.nanoTime() - start) / 1_000_000);
        }
        assertPrompt("OpenSSH session", openSsh);
        assertPrompt("pool login", logins);
    }

    private void assertPrompt(String what, List<Long> millis) {
        long median = millis.stream().sorted().toList().get(millis.size() / 2);
        long bound = Math.max(2 * median, median + 300);
        System.out.printf("ChannelIT[%s]: %s median %d ms, slowest %d ms, bound %d ms%n", backend, what, median,
                millis.stream().mapToLong(Long::longValue).max().orElseThrow(), bound);
        assertThat(millis).as("%s times (ms), median %d", what, median).allMatch(ms -> ms <= bound);
    }

    @Test
    void copyWorksBothWays() throws Exception {
        Path dir = Files.createTempDirectory("eflow-copy");
        try {
            Path out = dir.resolve("out.bin");
            byte[] content = new byte[300_000];
            new Random(7).nextBytes(content);
            Files.write(out, content);
            host.manager().copy(guest, out, "/home/iotedge-user/in.bin", true);
            assertThat(run("sha256sum", "/home/iotedge-user/in.bin")).startsWith(
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
            Path back = dir.resolve("back.bin");
            host.manager().copy(guest, Path.of("/home/iotedge-user/in.bin"), back.toString(), false);
            assertThat(Files.readAllBytes(back)).isEqualTo(content);
        } finally {
            FileTrees.deleteRecursively(dir);
        }
    }
}
