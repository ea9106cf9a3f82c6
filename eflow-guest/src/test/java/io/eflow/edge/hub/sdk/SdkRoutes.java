package io.eflow.edge.hub.sdk;

import io.eflow.contract.manifest.DeploymentManifest;
import io.eflow.edge.device.DeviceIdentity;
import io.eflow.edge.hub.HubService;
import io.eflow.edge.hub.TestDeployments;
import io.eflow.edge.hub.store.StoreConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One routing scenario the official SDKs play against the real hub: module {@code sensor} sends output events whose
 * application and system properties decide, by route conditions, which inputs of module {@code sink} they reach.
 * Each SDK's test sends {@link #SENT} through that SDK and checks what its {@code sink} received with
 * {@link #assertReceived}.
 */
final class SdkRoutes implements AutoCloseable {
    /** A value with every character a bag escapes, and a '/' at its end: a trailing-slash bug shows here first. */
    static final String NOTE = "a/b c&d=e+f%/";
    private static final String ROUTES = """
            {
              "alerts": "FROM /messages/modules/sensor/* WHERE MessageType = 'Alert' INTO BrokeredEndpoint(\\"/modules/sink/inputs/alerts\\")",
              "json": "FROM /messages/modules/sensor/* WHERE $contentType = 'application/json' INTO BrokeredEndpoint(\\"/modules/sink/inputs/json\\")",
              "status": "FROM /messages/modules/sensor/outputs/status INTO BrokeredEndpoint(\\"/modules/sink/inputs/status\\")",
              "noted": "FROM /messages/modules/sensor/* WHERE note = '%s' INTO BrokeredEndpoint(\\"/modules/sink/inputs/noted\\")"
            }""".formatted(NOTE);

    /**
     * An output event: application properties in the order the SDK writes them (the last one is where a topic's
     * trailing '/' would land), and a content type when it has one (then utf-8 as its encoding).
     */
    record Sent(String id, String output, Map<String, String> properties, Optional<String> contentType) {
        String messageId() {
            return "mid-" + id;
        }

        String correlationId() {
            return "cid-" + id;
        }

        Optional<String> contentEncoding() {
            return contentType.map(type -> "utf-8");
        }
    }

    /** What the sink's SDK handed it: the input it names and the message's properties as that SDK reads them. */
    record Received(String input, String body, Map<String, String> properties, String messageId, String correlationId,
                    String contentType, String contentEncoding) {
    }

    static final List<Sent> SENT = List.of(
            sent("m1", "alerts", Optional.of("text/plain"), "id", "m1", "note", NOTE, "MessageType", "Alert"),
            sent("m2", "alerts", Optional.of("application/json"), "id", "m2", "MessageType", "Info"),
            sent("m3", "alerts", Optional.of("application/json"), "id", "m3", "MessageType", "Alert"),
            sent("m4", "status", Optional.empty(), "id", "m4", "note", NOTE),
            sent("m5", "alerts", Optional.empty(), "id", "m5", "MessageType", "Info"));

    /** Which message reaches which of the sink's inputs: each (input, id) once, and nothing else. */
    private static final List<String> DELIVERED = List.of(
            "alerts m1", "alerts m3", "json m2", "json m3", "noted m1", "noted m4", "status m4");

    private static final DeviceIdentity DEVICE = new DeviceIdentity("dev1", "dev1.local", "localhost");

    final HubService service;

    private SdkRoutes(HubService service) {
        this.service = service;
    }

    /**
     * The hub with the scenario's routes. Its gateway host name is {@code localhost}, a name its server certificate
     * carries, so the SDKs check the certificate as a module does.
     */
    static SdkRoutes start(Path dir) throws IOException {
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
        HubService service = HubService.start(new HubService.Settings(dir.resolve("hub"), loopback, loopback, loopback,
                StoreConfig.in(dir.resolve("hub").resolve("store"))), DEVICE);
        service.deploy(manifest());
        return new SdkRoutes(service);
    }

    /** How many deliveries the scenario makes. */
    static int deliveries() {
        return DELIVERED.size();
    }

    /**
     * How many deliveries the routes made of what was sent: final once the sender has its acknowledgements (the hub
     * routes a message before it acknowledges it), so a receiver waits for these and no more.
     */
    long routed() {
        return service.hub().metrics().routed().values().stream().mapToLong(Long::longValue).sum();
    }

    /** A module's connection string, as the agent hands it over: {@code GatewayHostName=localhost}. */
    String connectionString(String module) {
        return service.access(module, true).orElseThrow().connectionString().orElseThrow();
    }

    Path caCertificate() {
        return service.access("sink", false).orElseThrow().caCertificate();
    }

    /**
     * The sink received each routed message once, on the right input, with every property as it was sent; and the
     * routes took exactly those (so no later message can come).
     */
    void assertReceived(List<Received> received) {
        assertThat(service.hub().metrics().routed())
                .containsExactlyInAnyOrderEntriesOf(Map.of("alerts", 2L, "json", 2L, "noted", 2L, "status", 1L));
        assertThat(service.hub().metrics().unrouted()).isEqualTo(1);
        List<Received> sorted = new ArrayList<>(received);
        sorted.sort(Comparator.comparing(Received::input).thenComparing(Received::body));
        assertThat(sorted).extracting(r -> r.input() + " " + r.body()).containsExactlyElementsOf(DELIVERED);
        for (Received one : sorted) {
            Sent sent = SENT.stream().filter(s -> s.id().equals(one.body())).findFirst().orElseThrow();
            assertThat(one.properties()).as(one.input() + " " + sent.id()).containsAllEntriesOf(sent.properties());
            assertThat(one.messageId()).isEqualTo(sent.messageId());
            assertThat(one.correlationId()).isEqualTo(sent.correlationId());
            assertThat(Optional.ofNullable(one.contentType())).isEqualTo(sent.contentType());
            assertThat(Optional.ofNullable(one.contentEncoding())).isEqualTo(sent.contentEncoding());
        }
    }

    @Override
    public void close() throws Exception {
        service.close();
    }

    private static Sent sent(String id, String output, Optional<String> contentType, String... properties) {
        Map<String, String> ordered = new LinkedHashMap<>();
        for (int i = 0; i < properties.length; i += 2) {
            ordered.put(properties[i], properties[i + 1]);
        }
        return new Sent(id, output, ordered, contentType);
    }

    private static DeploymentManifest manifest() {
        return TestDeployments.of(List.of("sensor", "sink"), ROUTES, Map.of());
    }
}
