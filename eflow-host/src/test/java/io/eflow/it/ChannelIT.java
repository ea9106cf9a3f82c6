package io.eflow.it;

import io.eflow.daemon.api.ConnectInfo;
import io.eflow.platform.Exec;
import io.eflow.platform.FileTrees;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
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
