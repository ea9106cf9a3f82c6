package io.eflow.channel;

import io.eflow.platform.EflowException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pool's errors when no sshd is there to talk to: these need no root and no OpenSSH server. */
class GuestConnectionsFailureTest {
    @TempDir
    Path tmp;

    private GuestConnections pool;
    private GuestEndpoint guest;

    @BeforeEach
    void start() {
        pool = new GuestConnections(UserCertificateAuthority.loadOrCreate(tmp.resolve("ca")));
        guest = GuestEndpoint.of("g1", tmp.resolve("g1.sock"), GuestHostKey.generate().publicKey());
    }

    @AfterEach
    void stop() {
        pool.close();
    }

    @Test
    void aReverseForwardForAStoppedGuestIsKeptForItsNextSession() {
        ReverseForwards.Forward forward = new ReverseForwards.Forward(5000, 5001);
        // what the daemon does at start for each saved forward of a stopped instance: no time to wait, no error
        pool.forwardToHost(guest, 5000, 5001, Duration.ZERO);
        assertThat(pool.heldForwards("g1")).containsExactly(forward);
        // a guest that cannot be reached now gets it with its next session too
        pool.forwardToHost(guest, 6000, 6001, Duration.ofMillis(500));
        assertThat(pool.heldForwards("g1")).containsExactlyInAnyOrder(forward, new ReverseForwards.Forward(6000, 6001));
        assertThat(pool.heldForwards("g2")).isEmpty();

        pool.stopForwardToHost(guest.name(), 5000, 5001);
        assertThat(pool.heldForwards("g1")).containsExactly(new ReverseForwards.Forward(6000, 6001));
    }

    @Test
    void aMissingSocketMeansTheGuestIsNotRunning() {
        assertThatThrownBy(() -> pool.exec(guest, "true", null, Duration.ofSeconds(5)))
                .isInstanceOf(EflowException.class)
                .hasMessage("guest g1 is not running: its management socket " + guest.socket()
                        + " does not exist (start it with `eflow start`)")
                .extracting(e -> ((EflowException) e).status()).isEqualTo(409);
        assertThat(pool.ping(guest, Duration.ofSeconds(2))).isFalse();
    }

    @Test
    void aSocketNobodyListensOnIsRefused() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(guest.socket()));
        }
        assertThat(Files.exists(guest.socket())).as("a closed listener leaves its socket file").isTrue();
        assertThatThrownBy(() -> pool.exec(guest, "true", null, Duration.ofSeconds(5)))
                .isInstanceOf(EflowException.class)
                .hasMessageStartingWith("guest g1 refused the management connection on " + guest.socket());
    }

    @Test
    void aPeerThatNeverSpeaksSshTimesOut() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(guest.socket()));
            long start = System.nanoTime();
            assertThatThrownBy(() -> pool.exec(guest, "true", null, Duration.ofMillis(700)))
                    .isInstanceOf(EflowException.class)
                    .hasMessage("guest g1 did not complete the SSH login within 0.7 s (is it overloaded or hung? try `eflow status`)");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            try (SocketChannel accepted = listener.accept()) {
                assertThat(accepted.isConnected()).as("the pool did reach the socket").isTrue();
            }
        }
    }

    @Test
    void aClosedPoolRefusesWork() {
        pool.close();
        assertThatThrownBy(() -> pool.exec(guest, "true", null, Duration.ofSeconds(1)))
                .isInstanceOf(EflowException.class)
                .hasMessageContaining("pool is closed");
    }
}
