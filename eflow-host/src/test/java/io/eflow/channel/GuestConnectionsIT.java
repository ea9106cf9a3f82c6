package io.eflow.channel;

import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;
import io.eflow.platform.Privileges;
import io.eflow.platform.Progress;
import org.apache.sshd.client.auth.keyboard.UserAuthKeyboardInteractiveFactory;
import org.apache.sshd.client.auth.password.UserAuthPasswordFactory;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.session.ClientSession;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.eflow.channel.OpenSshServerFixture.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The pool against a real OpenSSH sshd configured like the guest's, reached through a UNIX socket. Needs root. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuestConnectionsIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private OpenSshServerFixture sshd;
    private GuestConnections pool;
    private GuestEndpoint guest;

    @BeforeAll
    void startSshd() throws IOException {
        assumeThat(Privileges.isRoot()).as("sshd -i and its mount namespace need root").isTrue();
        sshd = OpenSshServerFixture.start();
        pool = new GuestConnections(sshd.ca);
        guest = sshd.endpoint("it-guest");
    }

    @AfterAll
    void stopSshd() throws IOException {
        try {
            if (pool != null) {
                pool.close();
            }
        } finally {
            if (sshd != null) {
                sshd.close();
            }
        }
    }

    @BeforeEach
    void freshSession() {
        pool.invalidate(guest.name());
    }

    @Test
    void exitCodesAndSeparateStreams() {
        assertThat(pool.exec(guest, "true", null, TIMEOUT).exitCode()).isZero();
        assertThat(pool.exec(guest, "false", null, TIMEOUT).exitCode()).isEqualTo(1);

        CommandResult echo = pool.exec(guest, "echo out; echo err >&2; exit 7", null, TIMEOUT);
        assertThat(echo.exitCode()).isEqualTo(7);
        assertThat(echo.stdoutText()).isEqualTo("out\n");
        assertThat(echo.stderrText()).isEqualTo("err\n");

        CommandResult whoami = pool.exec(guest, "id -un", null, TIMEOUT);
        assertThat(whoami.stdoutText().strip()).isEqualTo(sshd.user);
        assertThat(whoami.stderrText()).isEmpty();
    }

    @Test
    void deathBySignalIsReportedAs128PlusTheSignal() {
        assertThat(pool.exec(guest, "kill -TERM $$", null, TIMEOUT).exitCode()).isEqualTo(128 + 15);
        assertThat(pool.exec(guest, "kill -KILL $$", null, TIMEOUT).exitCode()).isEqualTo(128 + 9);
    }

    @Test
    void stdinIsPassedAndClosed() {
        byte[] input = "line one\nline two\n".getBytes(StandardCharsets.UTF_8);
        CommandResult cat = pool.exec(guest, "cat", input, TIMEOUT);
        assertThat(cat.exitCode()).isZero();
        assertThat(cat.stdout()).isEqualTo(input);

        byte[] big = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(big);
        assertThat(pool.exec(guest, "wc -c", big, TIMEOUT).stdoutText().strip()).isEqualTo(String.valueOf(big.length));

        // without stdin the command must still see end-of-file, not hang
        assertThat(pool.exec(guest, "cat", null, TIMEOUT).stdout()).isEmpty();
    }

    @Test
    void sequentialCommandsReuseOneConnection() throws IOException {
        int before = sshd.connections();
        long[] nanos = new long[50];
        for (int i = 0; i < nanos.length; i++) {
            long start = System.nanoTime();
            CommandResult result = pool.exec(guest, "echo " + i, null, TIMEOUT);
            nanos[i] = System.nanoTime() - start;
            assertThat(result.stdoutText()).isEqualTo(i + "\n");
        }
        assertThat(sshd.connections() - before).as("SSH connections for 50 commands").isEqualTo(1);

        long[] warm = Arrays.copyOfRange(nanos, 1, nanos.length); // the first one also logs in
        Arrays.sort(warm);
        System.out.printf("exec round trip over one pooled session: median %.2f ms, min %.2f ms, max %.2f ms; first (with login) %.1f ms%n",
                warm[warm.length / 2] / 1e6, warm[0] / 1e6, warm[warm.length - 1] / 1e6, nanos[0] / 1e6);
    }

    @Test
    void concurrentCommandsShareTheSession() throws Exception {
        int before = sshd.connections();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Void>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(threads.submit((Callable<Void>) () -> {
                    for (int i = 0; i < 25; i++) {
                        String token = thread + "-" + i;
                        // bursts of short commands: sshd frees session slots late, the pool has to ride that out
                        String command = (i % 2 == 0 ? "sleep 0.02; " : "") + "echo " + token;
                        CommandResult result = pool.exec(guest, command, null, TIMEOUT);
                        assertThat(result.exitCode()).isZero();
                        assertThat(result.stdoutText()).isEqualTo(token + "\n");
                    }
                    return null;
                }));
            }
            for (Future<Void> result : results) {
                result.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(sshd.connections() - before).as("SSH connections for 200 concurrent commands").isEqualTo(1);
    }

    /**
     * Twelve long calls (each allowed an hour, as a followed log is) hold their channels while commands still run: more
     * watchers than the 8 channels the pool once had did lock every command out until its deadline.
     */
    @Test
    void longCallsLeaveChannelsForCommands() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(12);
        List<PipedOutputStream> inputs = new ArrayList<>();
        try {
            List<Future<Integer>> watchers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                PipedOutputStream input = new PipedOutputStream();
                PipedInputStream stdin = new PipedInputStream(input);
                inputs.add(input);
                // cat ends when its input does: the watcher leaves
                watchers.add(threads.submit(() -> pool.stream(guest, "cat", stdin, OutputStream.nullOutputStream(),
                        OutputStream.nullOutputStream(), Duration.ofHours(1))));
            }
            Awaitility.await().atMost(TIMEOUT).until(() -> pool.exec(guest, "pgrep -c -x -u " + guest.user() + " cat", null, TIMEOUT)
                    .stdoutText().strip().equals("12"));
            for (int i = 0; i < 10; i++) {
                assertThat(pool.exec(guest, "echo " + i, null, Duration.ofSeconds(5)).stdoutText()).isEqualTo(i + "\n");
            }
            for (PipedOutputStream input : inputs) {
                input.close();
            }
            for (Future<Integer> watcher : watchers) {
                assertThat(watcher.get(20, TimeUnit.SECONDS)).isZero();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void sftpRoundTripIsByteIdentical() throws Exception {
        byte[] content = new byte[5 * 1024 * 1024];
        new Random(42).nextBytes(content);
        Path local = tmp.resolve("blob.bin");
        Files.write(local, content);
        String remote = sshd.home() + "/blob.bin";

        List<Long> reported = new CopyOnWriteArrayList<>();
        pool.upload(guest, local, remote, new Progress() {
            @Override
            public void accept(String line) {
            }

            @Override
            public void bytes(String step, long done, long total) {
                assertThat(step).isEqualTo("blob");
                assertThat(total).isEqualTo(content.length);
                reported.add(done);
            }
        }, "blob");
        // the bar moves through the file and ends at its size
        assertThat(reported).hasSizeGreaterThan(10).isSorted().last().isEqualTo((long) content.length);
        String remoteSum = pool.exec(guest, "sha256sum " + remote, null, TIMEOUT).stdoutText().split(" ")[0];
        assertThat(remoteSum).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
        assertThat(Files.exists(Path.of(remote + SftpTransfer.PARTIAL_SUFFIX))).isFalse();

        Path back = tmp.resolve("back/blob.bin");
        pool.download(guest, remote, back);
        assertThat(Files.readAllBytes(back)).isEqualTo(content);

        // replacing an existing file works too (atomic rename over it)
        Files.writeString(local, "second version");
        pool.upload(guest, local, remote, Progress.of(line -> { }), "second");
        assertThat(pool.exec(guest, "cat " + remote, null, TIMEOUT).stdoutText()).isEqualTo("second version");

        assertThatThrownBy(() -> pool.download(guest, sshd.home() + "/missing", tmp.resolve("missing")))
                .isInstanceOf(EflowException.class)
                .hasMessageContaining("no such file")
                .extracting(e -> ((EflowException) e).status()).isEqualTo(404);
        assertThat(Files.exists(tmp.resolve("missing"))).isFalse();
    }

    @Test
    void passwordLoginIsRefusedEvenWithTheRightPassword() throws Exception {
        GuestSshClient client = GuestSshClient.create();
        client.setUserAuthFactories(List.of(UserAuthPasswordFactory.INSTANCE, UserAuthKeyboardInteractiveFactory.INSTANCE));
        client.start();
        try (ClientSession session = client.connect(guest, new AtomicReference<>()).verify(TIMEOUT).getClientSession()) {
            session.addPasswordIdentity(OpenSshServerFixture.PASSWORD);
            AuthFuture auth = session.auth();
            assertThat(auth.await(TIMEOUT)).isTrue();
            assertThat(auth.isSuccess()).isFalse();
            assertThat(session.isAuthenticated()).isFalse();
        } finally {
            client.stop();
        }
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() {
        UserCertificateAuthority otherCa = UserCertificateAuthority.loadOrCreate(tmp.resolve("other-ca"));
        try (GuestConnections stranger = new GuestConnections(otherCa)) {
            assertThatThrownBy(() -> stranger.exec(guest, "true", null, TIMEOUT))
                    .isInstanceOf(EflowException.class)
                    .hasMessageStartingWith("guest it-guest refused eflow's certificate for user " + sshd.user);
            assertThat(stranger.ping(guest, TIMEOUT)).isFalse();
        }
    }

    @Test
    void rootCannotLogInEvenWithAValidCertificate() {
        GuestEndpoint asRoot = new GuestEndpoint("it-guest-root", sshd.socket, sshd.hostKey.publicKey(), "root");
        assertThat(pool.identity("root").principals()).containsExactly("root");
        assertThatThrownBy(() -> pool.exec(asRoot, "true", null, TIMEOUT))
                .isInstanceOf(EflowException.class)
                .hasMessageStartingWith("guest it-guest-root refused eflow's certificate for user root");
    }

    @Test
    void aChangedHostKeyIsRefusedWithAClearMessage() {
        GuestEndpoint impostor = new GuestEndpoint("it-guest-rekeyed", sshd.socket, GuestHostKey.generate().publicKey(), sshd.user);
        assertThatThrownBy(() -> pool.exec(impostor, "true", null, TIMEOUT))
                .isInstanceOf(EflowException.class)
                .hasMessage("guest it-guest-rekeyed presented a host key that does not match the pinned one; refusing to connect");
        assertThat(pool.ping(impostor, TIMEOUT)).isFalse();
        assertThat(pool.exec(guest, "true", null, TIMEOUT).exitCode()).as("the right key still works").isZero();
    }

    @Test
    void aCommandThatOverrunsItsTimeoutIsTerminatedAndTheSessionLivesOn() throws Exception {
        int before = sshd.connections();
        String marker = sshd.home() + "/overrun-" + System.nanoTime();
        long start = System.nanoTime();
        // the trap shows the command got SIGTERM rather than being orphaned when the channel closed
        assertThatThrownBy(() -> pool.exec(guest, "trap 'echo terminated > " + marker + "; exit 1' TERM; "
                        + "sleep 10 & wait", null, Duration.ofMillis(1500)))
                .isInstanceOf(EflowException.class)
                .hasMessageStartingWith("command 'trap ")
                .hasMessageEndingWith("in guest it-guest did not finish within 1.5 s; it was sent SIGTERM");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(Path.of(marker)));

        assertThat(pool.exec(guest, "echo still here", null, TIMEOUT).stdoutText()).isEqualTo("still here\n");
        assertThat(sshd.connections() - before).isEqualTo(1);
    }

    @Test
    void reconnectsAfterTheGuestSideRestarts() throws IOException {
        assertThat(pool.exec(guest, "echo before", null, TIMEOUT).stdoutText()).isEqualTo("before\n");
        int before = sshd.connections();

        sshd.restart();

        assertThat(pool.exec(guest, "echo after", null, TIMEOUT).stdoutText()).isEqualTo("after\n");
        assertThat(sshd.connections() - before).as("one new connection after the restart").isEqualTo(1);
        assertThat(pool.ping(guest, TIMEOUT)).isTrue();
    }

    @Test
    void pingChecksLoginAndLiveness() {
        assertThat(pool.ping(guest, TIMEOUT)).isTrue();
        assertThat(pool.ping(guest, TIMEOUT)).as("again, on the pooled session").isTrue();
        GuestEndpoint stopped = new GuestEndpoint("it-stopped", tmp.resolve("none.sock"), sshd.hostKey.publicKey(), sshd.user);
        assertThat(pool.ping(stopped, Duration.ofSeconds(2))).isFalse();
    }

    @Test
    void openSshClientLogsInWithTheWrittenIdentity() throws IOException {
        Path key = tmp.resolve("id/key");
        pool.identity(sshd.user).writeOpenSsh(key);
        Path knownHosts = tmp.resolve("id/known_hosts");
        Files.writeString(knownHosts, sshd.hostKey.knownHostsLine("it-guest") + "\n");

        Exec.Result result = Exec.of("ssh", "-F", "/dev/null",
                "-i", key.toString(), "-o", "CertificateFile=" + ClientIdentity.certificateFile(key),
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", "UserKnownHostsFile=" + knownHosts, "-o", "StrictHostKeyChecking=yes",
                "-o", "ProxyCommand=socat - UNIX-CONNECT:" + sshd.socket,
                sshd.user + "@it-guest", "echo via openssh").timeoutSeconds(30).run();
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).isEqualTo("via openssh\n");
        assertThat(text(sshd.sshdLog().getBytes(StandardCharsets.UTF_8))).contains("Accepted certificate ID");
    }
}
