package io.eflow.edge.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.iothub.ConnectionString;
import io.eflow.contract.iothub.SasToken;
import io.eflow.contract.manifest.DeploymentManifest;
import io.eflow.edge.device.DeviceIdentity;
import io.eflow.edge.hub.store.StoreConfig;
import org.eclipse.paho.client.mqttv3.MqttException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The hub in-process as the guest runs it ({@link HubService}: identities, edge CA, durable store, routes, MQTT
 * listeners, metrics), deployed with the modules {@code sender} and {@code receiver} and the routes a measurement
 * needs, in a folder of its own that goes when it closes: each run starts from an empty store.
 */
final class BenchHub implements AutoCloseable {
    static final DeviceIdentity DEVICE = new DeviceIdentity("dev1", "dev1.local", "dev1");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODULE = """
            {"type": "docker", "status": "running", "restartPolicy": "always",
             "settings": {"image": "localhost:5000/bench:1", "createOptions": "{}"}}""";

    private final Path folder;
    private final HubService service;

    private BenchHub(Path folder, HubService service) {
        this.folder = folder;
        this.service = service;
    }

    /** Starts a hub on free loopback ports with {@code routes} (name to route) deployed. */
    static BenchHub start(Path folder, Map<String, String> routes) throws IOException {
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
        HubService service = HubService.start(new HubService.Settings(folder, loopback, loopback, loopback,
                StoreConfig.in(folder.resolve("store"))), DEVICE);
        try {
            service.deploy(DeploymentManifest.parse(manifest(routes)).manifest());
        } catch (RuntimeException e) {
            service.close();
            throw e;
        }
        return new BenchHub(folder, service);
    }

    HubService service() {
        return service;
    }

    /** Connects as a module, with the credentials the agent hands it: its connection string's key signs a SAS token. */
    BenchClient module(String name, Consumer<byte[]> onMessage) throws MqttException {
        ConnectionString identity = ConnectionString.parse(service.access(name, true).orElseThrow().connectionString().orElseThrow());
        String token = SasToken.sign(identity.resource(), identity.sharedAccessKey(), Instant.now().plusSeconds(3600),
                Optional.empty()).toString();
        String clientId = DEVICE.deviceId() + "/" + name;
        return BenchClient.connect("tcp://127.0.0.1:" + service.port(), clientId,
                Optional.of(DEVICE.iotHubHostName() + "/" + clientId + "/?api-version=2018-06-30"), Optional.of(token),
                onMessage);
    }

    /** Where a module sends its messages on {@code output}. */
    static String events(String module, String output) {
        return "devices/" + DEVICE.deviceId() + "/modules/" + module + "/messages/events/%24.on=" + output;
    }

    /** The filter a module subscribes to for all its inputs. */
    static String inputs(String module) {
        return "devices/" + DEVICE.deviceId() + "/modules/" + module + "/inputs/#";
    }

    private static String manifest(Map<String, String> routes) throws IOException {
        ObjectNode routeNode = JSON.createObjectNode();
        routes.forEach(routeNode::put);
        return """
                {"modulesContent": {
                  "$edgeAgent": {"properties.desired": {"schemaVersion": "1.1",
                    "runtime": {"type": "docker", "settings": {}},
                    "systemModules": {"edgeAgent": {"type": "docker", "settings": {"image": "mcr.microsoft.com/azureiotedge-agent:1.5"}},
                                      "edgeHub": {"type": "docker", "status": "running", "restartPolicy": "always", "settings": {"image": "mcr.microsoft.com/azureiotedge-hub:1.5"}}},
                    "modules": {"sender": %s, "receiver": %s}}},
                  "$edgeHub": {"properties.desired": {"schemaVersion": "1.1", "routes": %s,
                    "storeAndForwardConfiguration": {"timeToLiveSecs": 7200}}}
                }}""".formatted(MODULE, MODULE, JSON.writeValueAsString(routeNode));
    }

    @Override
    public void close() throws IOException {
        service.close();
        try (Stream<Path> all = Files.walk(folder)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
