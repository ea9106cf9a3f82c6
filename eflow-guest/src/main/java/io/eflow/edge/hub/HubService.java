package io.eflow.edge.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.files.AtomicFile;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.json.TwinPatch;
import io.eflow.contract.manifest.DeploymentManifest;
import io.eflow.contract.wire.HubIdentity;
import io.eflow.contract.wire.RequestException;
import io.eflow.contract.wire.UpstreamState;
import io.eflow.edge.device.CertificateState;
import io.eflow.edge.device.DeviceIdentity;
import io.eflow.edge.device.ModuleHub;
import io.eflow.edge.hub.auth.Authenticator;
import io.eflow.edge.hub.auth.ClientId;
import io.eflow.edge.hub.auth.EdgeCa;
import io.eflow.edge.hub.auth.Identities;
import io.eflow.edge.hub.auth.Identity;
import io.eflow.edge.hub.mqtt.MqttServer;
import io.eflow.edge.hub.mqtt.SavedSessions;
import io.eflow.edge.hub.mqtt.ServerSettings;
import io.eflow.edge.hub.mqtt.TlsSettings;
import io.eflow.edge.hub.store.LogMessageStore;
import io.eflow.edge.hub.store.StoreConfig;
import io.eflow.edge.hub.upstream.CloudMethods;
import io.eflow.edge.hub.upstream.CloudTwins;
import io.eflow.edge.hub.upstream.UpstreamConnector;
import io.eflow.edge.hub.upstream.UpstreamOptions;
import io.eflow.edge.hub.upstream.UpstreamSettings;
import io.eflow.edge.hub.upstream.UpstreamStatus;
import io.eflow.edge.workload.WorkloadApi;
import io.eflow.edge.workload.WorkloadSockets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * The edge hub as the guest runtime runs it: identities and the edge CA, the durable store, the hub, its MQTT
 * listeners (plain on the guest's loopback for modules, TLS on every address for leaf devices and host
 * applications), its metrics endpoint and the upstream link. The agent reaches it as its {@link ModuleHub}.
 */
public final class HubService implements ModuleHub, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HubService.class.getName());
    private static final ObjectMapper JSON = Mappers.standard();

    /**
     * Where the hub keeps its state and which ports it listens on.
     *
     * @param folder   the hub's folder on the data partition: identities, the CA, the store, twins, the upstream
     * @param plain    MQTT without TLS, bound to loopback only: modules share the guest's network
     * @param tls      MQTT over TLS, bound to every address
     * @param metrics  the Prometheus endpoint, bound to loopback only
     * @param workload where the modules' workload API sockets are made, one folder each
     */
    public record Settings(Path folder, InetSocketAddress plain, InetSocketAddress tls, InetSocketAddress metrics,
                           StoreConfig store, Path workload) {
        /** Workload sockets in the hub's folder: tests. */
        public Settings(Path folder, InetSocketAddress plain, InetSocketAddress tls, InetSocketAddress metrics, StoreConfig store) {
            this(folder, plain, tls, metrics, store, folder.resolve("workload"));
        }

        public static Settings guest(Path folder) {
            return new Settings(folder, new InetSocketAddress("127.0.0.1", 1883), new InetSocketAddress("0.0.0.0", 8883),
                    new InetSocketAddress("127.0.0.1", MetricsServer.PORT), StoreConfig.in(folder.resolve("store")),
                    Path.of("/run/eflow/workload"));
        }
    }

    private final Settings settings;
    private final DeviceIdentity device;
    private final Identities identities;
    private final EdgeCa ca;
    private final Path caFile;
    private final LogMessageStore store;
    private final EdgeHub hub;
    private final MqttServer server;
    private final CertificateRenewal certificates;
    private final MetricsServer metrics;
    private final WorkloadSockets workload;
    private volatile UpstreamConnector upstream;
    /** Whether the upstream is the provisioned IoT Hub's, not one 'hub upstream set' saved. */
    private volatile boolean cloudManaged;
    private volatile JsonNode hubReported;
    private volatile String cloudDeviceId;
    private volatile Consumer<JsonNode> deployments = manifest -> { };

    private HubService(Settings settings, DeviceIdentity device, Clock clock) throws IOException {
        this.settings = settings;
        this.device = device;
        Files.createDirectories(settings.folder());
        this.identities = Identities.open(settings.folder().resolve("identities"), device.deviceId());
        this.ca = EdgeCa.open(settings.folder().resolve("ca"), device.deviceId(), clock);
        this.caFile = ca.trustBundle();
        this.store = LogMessageStore.open(settings.store());
        Authenticator authenticator = new Authenticator(identities, ca, device.iotHubHostName(), device.gatewayHostName());
        this.hub = new EdgeHub(device.deviceId(), store, authenticator, settings.folder().resolve("twins"), clock);
        this.certificates = new CertificateRenewal(ca, List.of("edgeHub", device.gatewayHostName(), "localhost"),
                List.of("127.0.0.1", "::1"), clock);
        this.server = new MqttServer(hub, ServerSettings.plain(settings.plain().getHostString(), settings.plain().getPort())
                .withTls(certificates.tls(), settings.tls().getHostString(), settings.tls().getPort()),
                SavedSessions.open(settings.folder().resolve("sessions.json")));
        certificates.start(this::useTls);
        this.metrics = new MetricsServer(settings.metrics(), () -> HubMetrics.prometheus(hub.metrics()));
        this.workload = new WorkloadSockets(settings.workload(),
                new WorkloadApi(identities, ca, device::iotHubHostName, clock));
        // the report is only handed to the link here: it is sent from the link's own thread, at most once a tick
        hub.onClientsChanged(this::sendReport);
        hub.onReported((module, patch) -> {
            UpstreamConnector current = upstream;
            if (cloudManaged && current != null) {
                current.reportModule(module, patch);
            }
        });
        readUpstream().ifPresent(this::connectUpstream);
    }

    /** Opens the hub's state and starts listening. */
    public static HubService start(Settings settings, DeviceIdentity device) throws IOException {
        return start(settings, device, Clock.systemUTC());
    }

    /** @param clock the wall clock: certificates, SAS tokens, message expiry */
    public static HubService start(Settings settings, DeviceIdentity device, Clock clock) throws IOException {
        return new HubService(settings, device, clock);
    }

    /**
     * Renews the edge CA and the server certificate if they are due; the hub also checks by itself every few
     * minutes.
     *
     * @return whether the server certificate was renewed
     */
    public boolean renewCertificates() throws IOException {
        Optional<TlsSettings> renewed = certificates.renewDue();
        renewed.ifPresent(this::useTls);
        return renewed.isPresent();
    }

    private void useTls(TlsSettings tls) {
        try {
            server.useTls(tls);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "the renewed server certificate cannot be used, the current one stays: "
                    + e.getMessage());
        }
    }

    @Override
    public List<CertificateState> certificates() {
        return certificates.states();
    }

    @Override
    public void deploy(DeploymentManifest manifest) {
        Set<String> modules = manifest.agent().modules().keySet();
        try {
            Identities.Changes changes = identities.ensureModules(device.deviceId(), modules);
            changes.removed().forEach(gone -> gone.moduleId().ifPresent(module -> {
                hub.forget(module);
                workload.stop(module);
            }));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the hub's identities: " + e.getMessage(), e);
        }
        if (cloudManaged) {
            // IoT Hub keeps the modules' twins: their desired properties come over the modules' own connections
            hub.configure(manifest.hub());
        } else {
            hub.configure(manifest.hub(), modules, manifest.moduleTwins());
        }
    }

    @Override
    public Optional<ModuleAccess> access(String module, boolean connectionString) {
        ClientId who = ClientId.module(device.deviceId(), module);
        return identities.find(who).map(identity -> new ModuleAccess(identity.generationId(), workload.folder(module),
                caFile, connectionString
                        ? Optional.of(identities.connectionString(who, device.iotHubHostName(), device.gatewayHostName()).toString())
                        : Optional.empty()));
    }

    @Override
    public void serveWorkload(String module, long uid, long gid) throws IOException {
        workload.serve(module, uid, gid);
    }

    @Override
    public boolean recreateIdentity(String module) throws IOException {
        ClientId who = ClientId.module(device.deviceId(), module);
        Optional<Identity> identity = identities.find(who);
        if (identity.isEmpty() || identity.get().kind() != Identity.Kind.MODULE) {
            return false;
        }
        identities.recreate(who);
        // its connection was proved with the old key
        hub.disconnect(module, "its identity was made again");
        return true;
    }

    public EdgeHub hub() {
        return hub;
    }

    public int port() {
        return server.port();
    }

    public int tlsPort() {
        return server.tlsPort().orElseThrow();
    }

    public int metricsPort() {
        return metrics.port();
    }

    /** A host application's identity: what {@code eflow hub identity add} makes. */
    public HubIdentity addHostIdentity(String name) throws IOException {
        return describe(identities.addHost(name), true);
    }

    public void removeHostIdentity(String name) throws IOException {
        if (identities.removeHost(name).isEmpty()) {
            throw RequestException.notFound("there is no identity named '" + name + "'");
        }
        hub.forget(name);
    }

    /** A module's or host application's identity by name, or the device's own by the device id. */
    public HubIdentity identity(String name) {
        ClientId who = name.equals(device.deviceId()) ? ClientId.device(name) : ClientId.module(device.deviceId(), name);
        return identities.find(who)
                .map(identity -> describe(identity, true))
                .orElseThrow(() -> RequestException.notFound("there is no identity named '" + name + "'"));
    }

    public List<HubIdentity> identities() {
        return identities.list().stream().map(identity -> describe(identity, false)).toList();
    }

    private HubIdentity describe(Identity identity, boolean withConnectionString) {
        // a host application reaches the hub through a forward on the host's loopback
        String connectionString = withConnectionString ? identities.connectionString(identity.clientIdentity(),
                device.iotHubHostName(), device.gatewayHostName()).toString() : null;
        return new HubIdentity(identity.clientIdentity().moduleId().orElse(identity.clientIdentity().deviceId()),
                identity.kind().name().toLowerCase(), identity.created(), connectionString);
    }

    public String caCertificatePem() {
        return ca.caCertificatePem();
    }

    /**
     * Points the hub's {@code $upstream} at IoT Hub or a broker, saved (0600: it holds a key) so it survives restarts;
     * a bad value is refused and the current link stays.
     */
    public synchronized void setUpstream(String value, Optional<String> deviceId) throws IOException {
        if (cloudManaged) {
            throw RequestException.conflict("the device is provisioned: its upstream is IoT Hub; 'eflow provision remove'"
                    + " first to send to another endpoint");
        }
        UpstreamSettings parsed = UpstreamSettings.parse(value, deviceId.or(() -> Optional.of(device.deviceId())));
        ObjectNode saved = JSON.createObjectNode().put("upstream", value);
        deviceId.ifPresent(id -> saved.put("deviceId", id));
        AtomicFile.write(upstreamFile(), JSON.writeValueAsBytes(saved), AtomicFile.OWNER_ONLY);
        connectUpstream(parsed);
    }

    /**
     * Points {@code $upstream} at IoT Hub as the provisioned edge device ({@code cloud} present), or gives it back to
     * what {@code hub upstream set} saved (empty). The provisioning, not the hub, keeps these settings.
     * {@code onHubDesired} gets {@code $edgeHub}'s desired properties, whole, at each connect and each change.
     */
    public synchronized void cloudUpstream(Optional<UpstreamSettings> cloud, Consumer<JsonNode> onHubDesired) {
        if (cloud.isPresent()) {
            cloudDeviceId = cloud.get().deviceId();
            cloudManaged = true;
            UpstreamConnector previous = upstream;
            if (previous != null) {
                previous.close();
            }
            upstream = UpstreamConnector.start(store, cloud.get(), UpstreamOptions.defaults(), onHubDesired, this::callModule,
                    new CloudTwins() {
                        @Override
                        public void desired(String module, JsonNode desired) {
                            hub.desire(module, TwinPatch.withoutMetadata(desired));
                        }

                        @Override
                        public JsonNode reported(String module) {
                            return hub.reported(module);
                        }
                    });
            upstream.report(edgeHubReported());
        } else if (cloudManaged) {
            cloudManaged = false;
            UpstreamConnector current = upstream;
            upstream = null;
            hub.upstreamConnected(false);
            if (current != null) {
                current.close();
            }
            readUpstream().ifPresent(this::connectUpstream);
        }
    }

    /**
     * {@code $edgeHub}'s reported properties, for IoT Hub: the outcome of its desired properties, with the hub's
     * {@code clients} added. Sent on the upstream's {@code $edgeHub} connection while the device is provisioned, again
     * after each reconnect and each client's connect or disconnect, and to each upstream the provisioning starts later.
     */
    public void reportUpstream(JsonNode reported) {
        hubReported = reported.deepCopy();
        sendReport();
    }

    private void sendReport() {
        UpstreamConnector current = upstream;
        if (cloudManaged && current != null) {
            current.report(edgeHubReported());
        }
    }

    /** IoT Edge's {@code clients}: {@code {"device/module": {"status", "lastConnectedTimeUtc", "lastDisconnectedTimeUtc"}}}. */
    private ObjectNode edgeHubReported() {
        JsonNode outcome = hubReported;
        ObjectNode reported = outcome != null ? (ObjectNode) outcome.deepCopy() : JSON.createObjectNode();
        ObjectNode clients = reported.putObject("clients");
        String cloudDevice = cloudDeviceId;
        // IoT Hub knows this device's clients by the provisioned device's id, which the guest's own may differ from
        Map<ClientId, EdgeHub.ClientStatus> byName = new TreeMap<>(Comparator.comparing(ClientId::toString));
        byName.putAll(hub.clients());
        byName.forEach((who, status) -> {
            String id = !who.deviceId().equals(device.deviceId()) ? who.toString()
                    : who.moduleId().map(module -> cloudDevice + "/" + module).orElse(cloudDevice);
            ObjectNode client = clients.putObject(id).put("status", status.connected() ? "Connected" : "Disconnected");
            if (status.lastConnected() != null) {
                client.put("lastConnectedTimeUtc", status.lastConnected().toString());
            }
            if (status.lastDisconnected() != null) {
                client.put("lastDisconnectedTimeUtc", status.lastDisconnected().toString());
            }
        });
        return reported;
    }

    /**
     * A direct method from IoT Hub for a module, handed to the module on its local connection. IoT Hub keeps its own
     * timeout (at most 300 s); the module's silence past it is IoT Hub's 504, a module not connected its 404.
     */
    private CompletableFuture<CloudMethods.Answer> callModule(String module, String method, byte[] payload) {
        return hub.invoke(module, method, payload, Duration.ofSeconds(300))
                .thenApply(answer -> new CloudMethods.Answer(answer.status(), answer.payload()))
                .exceptionally(error -> {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                    int status = cause instanceof MethodException refused ? refused.status() : 500;
                    ObjectNode message = JSON.createObjectNode().put("message", String.valueOf(cause.getMessage()));
                    return new CloudMethods.Answer(status, message.toString().getBytes(StandardCharsets.UTF_8));
                });
    }

    public synchronized void clearUpstream() throws IOException {
        Files.deleteIfExists(upstreamFile());
        UpstreamConnector current = upstream;
        upstream = null;
        hub.upstreamConnected(false);
        if (current != null) {
            current.close();
        }
    }

    /** The upstream link's state, without secrets. */
    public UpstreamState upstreamStatus() {
        UpstreamConnector current = upstream;
        if (current == null) {
            return UpstreamState.notConfigured();
        }
        UpstreamStatus status = current.status();
        hub.upstreamConnected(status.connected());
        return new UpstreamState(true, status.connected(), status.endpoint().toString(), status.lastError().orElse(null),
                status.disconnectedSince().orElse(null), status.sent(), status.reconnects(), status.backlog(), status.expired());
    }

    /**
     * Where deployments that arrive upstream go: IoT Hub delivers one as the device twin's desired property
     * {@code modulesContent}, the deployment manifest's content. Each is handed over whole, on the link's thread.
     */
    public void onDeployment(Consumer<JsonNode> apply) {
        deployments = apply;
    }

    synchronized void connectUpstream(UpstreamSettings parsed) {
        UpstreamConnector previous = upstream;
        if (previous != null) {
            previous.close();
        }
        upstream = UpstreamConnector.start(store, parsed, this::desired);
    }

    private void desired(JsonNode desired) {
        JsonNode content = desired.get("modulesContent");
        if (content == null || !content.isObject()) {
            LOG.log(System.Logger.Level.INFO, "the device twin's desired properties changed (version "
                    + desired.path("$version").asText("?") + "), without a deployment in modulesContent");
            return;
        }
        ObjectNode manifest = JSON.createObjectNode();
        manifest.set("modulesContent", content.deepCopy());
        deployments.accept(manifest);
    }

    private Optional<UpstreamSettings> readUpstream() {
        Path file = upstreamFile();
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode saved = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            return Optional.of(UpstreamSettings.parse(saved.path("upstream").asText(),
                    Optional.ofNullable(saved.get("deviceId")).map(JsonNode::asText).or(() -> Optional.of(device.deviceId()))));
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.ERROR, "the saved upstream in " + file + " is unusable, so nothing goes upstream: " + e.getMessage());
            return Optional.empty();
        }
    }

    private Path upstreamFile() {
        return settings.folder().resolve("upstream.json");
    }

    @Override
    public void close() {
        UpstreamConnector current = upstream;
        if (current != null) {
            current.close();
        }
        certificates.close();
        metrics.close();
        workload.close();
        server.close();
        hub.close();
        store.close();
    }
}
