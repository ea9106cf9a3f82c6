package io.eflow.it;

import io.eflow.forward.Forward;
import io.eflow.forward.Forwards;
import io.eflow.platform.EflowException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Forwards into the shared guest: a host loopback port and a host UNIX socket lead to a program listening on the
 * guest's loopback (nothing opened in its firewall), both ways and with half-close; a guest port nobody listens on
 * ends the connection; a taken host port or a second forward of the same port is refused and nothing is saved.
 */
@BothBackends
class ForwardIT extends SharedGuestTest {
    static final int COUNTER = 6102;
    Forwards forwards;
    /** What other classes set up (HubIT's TLS port): this class removes only the forwards it added. */
    List<Forward> before;

    @BeforeEach
    void startCounter() {
        forwards = new Forwards(host.manager());
        before = forwards.list(guest);
        // wc answers only once its input ended: the host's half-close has to travel through the forward
        run("sh", "-c", "socat -u /dev/null TCP:127.0.0.1:" + COUNTER + " 2>/dev/null || { setsid socat TCP-LISTEN:" + COUNTER
                + ",fork,reuseaddr,bind=127.0.0.1 EXEC:'wc -c' </dev/null >/dev/null 2>&1 & }");
        await().atMost(Duration.ofSeconds(30)).until(() -> invoke("sh", "-c", "socat -u /dev/null TCP:127.0.0.1:" + COUNTER).exitCode() == 0);
    }

    @AfterEach
    void removeForwards() {
        for (Forward forward : forwards.list(guest)) {
            if (forward.direction() == Forward.Direction.INTO_GUEST && !before.contains(forward)) {
                forwards.remove(guest, forward);
            }
        }
        forwards.close();
    }

    @Test
    void aHostPortAndAUnixSocketReachAGuestPortBothWays(@TempDir Path dir) throws Exception {
        int port = freePort();
        Path socket = dir.resolve("counter.sock");
        forwards.add(guest, new Forward(Forward.Direction.INTO_GUEST, String.valueOf(port), COUNTER));
        forwards.add(guest, new Forward(Forward.Direction.INTO_GUEST, socket.toString(), COUNTER));
        assertThat(forwards.list(guest)).extracting(Forward::toString)
                .contains("127.0.0.1:" + port + " -> guest:" + COUNTER, socket + " -> guest:" + COUNTER);

        try (Socket tcp = new Socket(InetAddress.getLoopbackAddress(), port)) {
            tcp.getOutputStream().write("twelve bytes".getBytes(StandardCharsets.US_ASCII));
            tcp.shutdownOutput();
            assertThat(readAll(tcp.getInputStream()).strip()).isEqualTo("12");
        }
        byte[] big = new byte[3 * 1024 * 1024 + 7];
        try (SocketChannel unix = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            ByteBuffer out = ByteBuffer.wrap(big);
            while (out.hasRemaining()) {
                unix.write(out);
            }
            unix.shutdownOutput();
            assertThat(readAll(Channels.newInputStream(unix)).strip()).isEqualTo(String.valueOf(big.length));
        }
    }

    @Test
    void aGuestPortNobodyListensOnEndsTheConnection() throws Exception {
        int port = freePort();
        forwards.add(guest, new Forward(Forward.Direction.INTO_GUEST, String.valueOf(port), 6199));
        try (Socket tcp = new Socket(InetAddress.getLoopbackAddress(), port)) {
            tcp.setSoTimeout(30_000);
            assertThat(tcp.getInputStream().read()).as("closed, no data").isEqualTo(-1);
        }
    }

    @Test
    void aTakenHostSideOrADuplicateIsRefusedAndNothingIsSaved() throws Exception {
        List<Forward> before = forwards.list(guest);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Forward clash = new Forward(Forward.Direction.INTO_GUEST, String.valueOf(taken.getLocalPort()), COUNTER);
            assertThatThrownBy(() -> forwards.add(guest, clash)).isInstanceOf(EflowException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + taken.getLocalPort());
        }
        assertThat(forwards.list(guest)).isEqualTo(before);
        Forward once = new Forward(Forward.Direction.INTO_GUEST, String.valueOf(freePort()), COUNTER);
        forwards.add(guest, once);
        assertThatThrownBy(() -> forwards.add(guest, once)).hasMessageContaining("already has the forward");
        assertThatThrownBy(() -> new Forward(Forward.Direction.TO_HOST, "/run/x.sock", 80)).hasMessageContaining("not a UNIX socket");
    }

    /** A loopback port nothing listens on now, for a forward's host side. */
    static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return free.getLocalPort();
        }
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
}
