package io.eflow.edge.cloud;

import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.HubMessageCodec;
import io.eflow.edge.hub.message.MessageSource;
import io.eflow.edge.hub.store.Destination;
import io.eflow.edge.hub.store.EndpointMetrics;
import io.eflow.edge.hub.store.LogMessageStore;
import io.eflow.edge.hub.store.Message;
import io.eflow.edge.hub.store.StoreConfig;
import io.eflow.edge.hub.upstream.Mosquitto;
import io.eflow.edge.hub.upstream.UpstreamConnector;
import io.eflow.edge.hub.upstream.UpstreamSettings;
import io.eflow.iothub.emulator.EmulatorOptions;
import io.eflow.iothub.emulator.IotHubEmulator;
import io.eflow.iothub.emulator.registry.Credentials;
import io.eflow.iothub.emulator.registry.DeviceSpec;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * bench/cloud-upstream.sh: a provisioned edge device's telemetry to IoT Hub — the hub's store drained by its upstream
 * as module {@code filter} over TLS to the IoT Hub emulator — next to the same backlog drained to mosquitto as a
 * plain MQTT upstream (no TLS, no SAS), in the same run. 256-byte bodies, QoS 1; each figure is a drain of a backlog
 * stored first, timed until the store holds nothing more for {@code $upstream} (every message PUBACKed).
 * Arguments: a work folder on the disk to measure, the number of messages per drain.
 */
public final class CloudUpstreamBenchmark {
    private static final int RUNS = 3;
    private static final String DEVICE = "bench-edge";
    private static final Logger LOG = Logger.getLogger("io.eflow");

    private CloudUpstreamBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        LOG.setLevel(Level.WARNING);
        Logger.getLogger("io.eflow.iothub").setLevel(Level.WARNING);
        Path work = Path.of(args[0]);
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        try (IotHubEmulator hub = IotHubEmulator.start(new EmulatorOptions("localhost", "127.0.0.1", 0, 0, work.resolve("iothub")));
             Mosquitto mosquitto = Mosquitto.start(work.resolve("mosquitto"))) {
            String deviceKey = hub.registry().putDevice(new DeviceSpec(DEVICE, Optional.empty(), Optional.empty(),
                    Optional.of(true), Optional.empty()), Optional.empty()).credentials().primaryKey().orElseThrow();
            String filterKey = ModuleKeys.derive(deviceKey, "filter");
            hub.registry().putModule(DEVICE, "filter", Optional.of(Credentials.sas(filterKey, filterKey)), Optional.empty(),
                    Optional.empty());
            String edgeHubKey = ModuleKeys.derive(deviceKey, "$edgeHub");
            hub.registry().putModule(DEVICE, "$edgeHub", Optional.of(Credentials.sas(edgeHubKey, edgeHubKey)), Optional.empty(),
                    Optional.of("*"));
            Provisioning provisioning = Provisionings.manual(
                    "HostName=localhost;DeviceId=" + DEVICE + ";SharedAccessKey=" + deviceKey,
                    Files.readString(hub.caCertificate(), StandardCharsets.US_ASCII));
            UpstreamSettings iotHub = new UpstreamSettings.IotHubModules("localhost", DEVICE, deviceKey,
                    module -> ModuleKeys.derive(deviceKey, module), () -> Set.of("filter"),
                    URI.create("mqtts://localhost:" + hub.mqttPort()), Optional.of(provisioning.trust().sslContext().getSocketFactory()),
                    Duration.ofHours(1));
            UpstreamSettings broker = UpstreamSettings.broker(URI.create("mqtt://127.0.0.1:" + mosquitto.port()), DEVICE);

            System.out.printf("module telemetry drained upstream, %,d messages of 256 bytes, QoS 1, best of %d%n", messages, RUNS);
            double toHub = best(work, "iothub", iotHub, messages);
            double toMosquitto = best(work, "mosquitto", broker, messages);
            System.out.printf("  to IoT Hub (emulator), as module filter over TLS   %,10.0f msg/s%n", toHub);
            System.out.printf("  to mosquitto, plain MQTT (reference)               %,10.0f msg/s%n", toMosquitto);
            System.out.printf("  ratio                                              %10.2f%n", toHub / toMosquitto);
        }
    }

    private static double best(Path work, String name, UpstreamSettings settings, int messages) throws Exception {
        double best = 0;
        for (int run = 0; run < RUNS; run++) {
            best = Math.max(best, drain(work.resolve(name + "-" + run), settings, messages));
        }
        return best;
    }

    /** Stores {@code messages} for upstream with no link, then times their drain: messages per second. */
    private static double drain(Path dir, UpstreamSettings settings, int messages) throws Exception {
        try (LogMessageStore store = LogMessageStore.open(StoreConfig.in(dir))) {
            byte[] body = new byte[256];
            Arrays.fill(body, (byte) 'x');
            List<CompletableFuture<Long>> stored = new ArrayList<>();
            for (int n = 0; n < messages; n++) {
                HubMessage message = new HubMessage(body, Map.of(), Map.of("n", Integer.toString(n)),
                        MessageSource.module("filter", "output1"));
                stored.add(store.append(new Message("filter/output1", HubMessageCodec.encode(message)),
                        List.of(Destination.of(UpstreamConnector.ENDPOINT))));
            }
            stored.forEach(CompletableFuture::join);
            long start = System.nanoTime();
            try (UpstreamConnector connector = UpstreamConnector.start(store, settings, desired -> { })) {
                while (true) {
                    EndpointMetrics upstream = store.metrics().endpoints().get(UpstreamConnector.ENDPOINT);
                    if (upstream.queueLength() == 0 && upstream.inFlight() == 0) {
                        break;
                    }
                    if (System.nanoTime() - start > Duration.ofMinutes(5).toNanos()) {
                        throw new IllegalStateException(settings + ": " + upstream.queueLength() + " messages left after 5 minutes");
                    }
                    Thread.sleep(5);
                }
                return messages / ((System.nanoTime() - start) / 1e9);
            }
        }
    }
}
