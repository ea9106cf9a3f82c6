package io.eflow.samples.host;

import io.eflow.contract.wire.HubIdentity;
import io.eflow.samples.module.Log;
import io.eflow.samples.module.TestHub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The host application against the guest's real edge hub, in-process, as HubIT runs it against a guest's: a host
 * identity, the hub's TLS port through a forward, and a module that answers each reading with an alert (a routed
 * echo here: the hub sends the application's readings straight back to its input "alerts").
 */
class HostApplicationOnTheEdgeHubTest {
    @TempDir
    Path dir;

    @Test
    void everyReadingComesBackAsAnAlert() throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Log log = new Log("hostApp", new PrintStream(output, true, StandardCharsets.UTF_8), Clock.systemUTC());
        try (TestHub hub = TestHub.start(dir)) {
            hub.deploy("{\"echo\": \"FROM /messages/modules/hostApp/outputs/readings INTO BrokeredEndpoint(\\\"/modules/hostApp/inputs/alerts\\\")\"}");
            HubIdentity identity = hub.service().addHostIdentity("hostApp");
            Path ca = Files.writeString(dir.resolve("edge-ca.pem"), hub.service().caCertificatePem());

            boolean all = HostApplication.exchange(hub.access(identity.connectionString(), ca), 3, Duration.ofSeconds(30), log);

            assertThat(all).as(output.toString(StandardCharsets.UTF_8)).isTrue();
            assertThat(output.toString(StandardCharsets.UTF_8)).contains("all 3 alerts came back").contains("\"sequence\":2");
        }
    }
}
