package io.eflow.daemon;

import io.eflow.daemon.api.SocketProbe;
import io.eflow.instance.InstanceManager;
import io.eflow.platform.EflowException;
import io.eflow.platform.EflowPaths;
import io.javalin.Javalin;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** eflowd's own promises: root-only socket, no TCP, one daemon at a time, stale sockets replaced. Runs as root. */
@EnabledIf("io.eflow.platform.Privileges#isRoot")
class EflowdTest {
    @TempDir
    Path home;

    private EflowPaths paths() {
        return EflowPaths.from(Map.of("EFLOW_HOME", home.toString()));
    }

    private Eflowd start() {
        return Eflowd.start(paths(), new InstanceManager(paths()));
    }

    @Test
    void servesOnlyOnARootOnlyUnixSocket() throws Exception {
        try (Eflowd eflowd = start()) {
            Path socket = paths().daemonSocket();

            assertThat(eflowd.socket()).isEqualTo(socket);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx------");
            assertThat(Files.getAttribute(socket, "unix:uid")).isEqualTo(0);
            assertThat(eflowd.connectors()).isNotEmpty().allSatisfy(connector ->
                    assertThat(connector).isInstanceOf(UnixDomainServerConnector.class));
        }
        assertThat(paths().daemonSocket()).doesNotExist();
    }

    /**
     * Answers that stay open (followed logs, subscriptions, a console's live views) hold a request thread each for as
     * long: forty of them once took every thread the daemon had (32), and every other request then waited for good.
     */
    @Test
    void answersThatStayOpenLeaveTheDaemonServing() throws Exception {
        Path socket = Files.createDirectories(paths().run()).resolve("load.sock");
        int staying = 40;
        CountDownLatch held = new CountDownLatch(staying);
        CountDownLatch release = new CountDownLatch(1);
        Javalin app = Eflowd.createApp(socket, routes -> {
            routes.get("/stay", ctx -> {
                held.countDown();
                release.await();
                ctx.result("done");
            });
            routes.get("/quick", ctx -> ctx.result("quick"));
        });
        app.start();
        ExecutorService clients = Executors.newFixedThreadPool(staying + 1);
        try {
            for (int i = 0; i < staying; i++) {
                clients.submit(() -> get(socket, "/stay"));
            }
            assertThat(held.await(20, TimeUnit.SECONDS)).as("all %d answers open at once", staying).isTrue();
            assertThat(clients.submit(() -> get(socket, "/quick")).get(10, TimeUnit.SECONDS)).isEqualTo("quick");
        } finally {
            release.countDown();
            clients.shutdownNow();
            app.stop();
        }
    }

    /** One HTTP/1.1 GET over the UNIX socket; the answer's body. */
    private static String get(Path socket, String path) throws IOException {
        try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            channel.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: eflowd\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII)));
            String answer = new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
            return answer.substring(answer.indexOf("\r\n\r\n") + 4);
        }
    }

    @Test
    void tightensAnExistingRuntimeFolder() throws Exception {
        Files.createDirectories(paths().run(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(paths().run(), PosixFilePermissions.fromString("rwxrwxrwx"));

        try (Eflowd ignored = start()) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(paths().run()))).isEqualTo("rwx------");
        }
    }

    @Test
    void refusesASecondDaemon() {
        try (Eflowd first = start()) {
            assertThatThrownBy(this::start).isInstanceOfSatisfying(EflowException.class, e -> {
                assertThat(e.status()).isEqualTo(409);
                assertThat(e.getMessage()).startsWith("another eflowd already answers on " + first.socket());
            });
            // the refused daemon left the running one alone
            assertThat(first.socket()).exists();
        }
    }

    @Test
    void holdsTheLockEvenBeforeItsSocketAnswers() {
        Path run = paths().run();
        try (Eflowd first = start()) {
            // a second daemon that does not see the socket (deleted behind the first one's back) still stops at the lock
            Files.delete(first.socket());
            assertThatThrownBy(this::start).isInstanceOf(EflowException.class)
                    .hasMessageStartingWith("another eflowd (pid " + ProcessHandle.current().pid() + ") is running or starting");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertThat(run.resolve("eflowd.lock")).exists();
    }

    @Test
    void replacesTheSocketOfADeadDaemon() throws Exception {
        Path socket = paths().daemonSocket();
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();

        try (Eflowd eflowd = start()) {
            assertThat(eflowd.connectors()).extracting(Connector::isRunning).containsOnly(true);
            assertThat(SocketProbe.answers(socket)).isTrue();
        }
    }

    @Test
    void refusesSocketPathsTooLongForUnixSockets() {
        EflowPaths deep = EflowPaths.from(Map.of("EFLOW_HOME", home.resolve("x".repeat(100)).toString()));

        assertThatThrownBy(() -> Eflowd.start(deep, new InstanceManager(deep)))
                .isInstanceOf(EflowException.class).hasMessageContaining("longer than 107 bytes");
    }
}
