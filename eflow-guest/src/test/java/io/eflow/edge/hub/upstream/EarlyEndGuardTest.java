package io.eflow.edge.hub.upstream;

import io.eflow.contract.iothub.ConnectionString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The soak's find: an endpoint that accepts and closes at once left one Paho connect thread per attempt. */
class EarlyEndGuardTest {
    @TempDir
    Path dir;

    @Test
    void connectsToAnEndpointThatClosesAtOnceFailAndLeaveNoThreadBehind() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            // closed at once, as a forward whose broker is down
            closing(server, accepted -> { });
            UpstreamSettings settings = UpstreamSettings.parse("mqtt://127.0.0.1:" + server.getLocalPort(), Optional.of("dev1"));
            assertConnectsFailWithoutThreadsLeft(settings);
        }
    }

    @Test
    void overTlsAnEndpointThatClosesRightAfterItsHandshakeLeavesNoThreadBehind() throws Exception {
        TestCa ca = TestCa.create(dir.resolve("ca"));
        try (ServerSocket server = ca.serverSocketFactory().createServerSocket(0)) {
            // a TLS terminator whose backend is down: the handshake completes, then the connection ends
            closing(server, accepted -> ((SSLSocket) accepted).startHandshake());
            UpstreamSettings settings = UpstreamSettings.iotHub(ConnectionString.parse(
                            "HostName=hub.example;DeviceId=dev1;SharedAccessKey=" + Base64.getEncoder().encodeToString(new byte[32])),
                    URI.create("mqtts://127.0.0.1:" + server.getLocalPort()), Optional.of(ca.socketFactory()));
            assertConnectsFailWithoutThreadsLeft(settings);
        }
    }

    private interface Accepted {
        void handle(Socket accepted) throws Exception;
    }

    /** Accepts on {@code server} until it closes, handing each connection to {@code then} and closing it after. */
    private static void closing(ServerSocket server, Accepted then) {
        Thread closer = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket accepted = server.accept()) {
                    then.handle(accepted);
                } catch (Exception e) {
                    if (server.isClosed()) {
                        return;
                    }
                }
            }
        });
        closer.setDaemon(true);
        closer.start();
    }

    private static void assertConnectsFailWithoutThreadsLeft(UpstreamSettings settings) throws InterruptedException {
        List<Thread> before = connectThreads();
        for (int i = 0; i < 10; i++) {
            assertThatThrownBy(() -> UpstreamConnection.open(settings, settings.login(Instant.now()), UpstreamOptions.defaults(),
                    List.of(), sequence -> { }, (topic, body) -> { })).isInstanceOf(ConnectionException.class);
        }
        Thread.sleep(500);
        assertThat(connectThreads()).isSubsetOf(before);
    }

    private static List<Thread> connectThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("MQTT Con")).toList();
    }
}
