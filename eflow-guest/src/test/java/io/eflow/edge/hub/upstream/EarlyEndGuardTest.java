package io.eflow.edge.hub.upstream;

import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.Socket;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The soak's find: an endpoint that accepts and closes at once left one Paho connect thread per attempt. */
class EarlyEndGuardTest {
    @Test
    void connectsToAnEndpointThatClosesAtOnceFailAndLeaveNoThreadBehind() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            Thread closer = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket accepted = server.accept()) {
                        // closed at once, as a forward whose broker is down
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            closer.setDaemon(true);
            closer.start();
            UpstreamSettings settings = UpstreamSettings.parse("mqtt://127.0.0.1:" + server.getLocalPort(), Optional.of("dev1"));
            for (int i = 0; i < 10; i++) {
                assertThatThrownBy(() -> UpstreamConnection.open(settings, settings.login(Instant.now()), UpstreamOptions.defaults(),
                        List.of(), sequence -> { }, (topic, body) -> { })).isInstanceOf(ConnectionException.class);
            }
            Thread.sleep(500);
            assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("MQTT Con"));
        }
    }
}
