package io.eflow.edge.hub;

import io.eflow.edge.hub.store.EndpointMetrics;
import io.eflow.edge.hub.upstream.Mosquitto;
import io.eflow.edge.hub.upstream.UpstreamConnector;
import org.eclipse.paho.client.mqttv3.MqttException;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * bench/edge-hub.sh: the edge hub in-process, driven by Paho clients logged in as its modules, each figure next to
 * mosquitto doing the same MQTT work on the same machine in the same run. 256-byte bodies, QoS 1 throughout:
 * <ol>
 *   <li>a route from one module's output to another's input, against one publisher and one subscriber on a topic</li>
 *   <li>that route's latency at a steady 1,000 msg/s, against the same through mosquitto</li>
 *   <li>durable ingest into {@code $upstream} while the upstream broker is down (each PUBACK after fdatasync),
 *       against the same publisher and mosquitto without persistence: the MQTT path without durability</li>
 *   <li>the drain of that backlog once the upstream is back, against mosquitto's pub/sub rate from (1)</li>
 * </ol>
 * The clients run in the hub's JVM, so their cost is in both the hub's figures and mosquitto's; the script gives
 * that JVM the guest runtime's flags (small heap, serial GC, C1 only), so the hub's code runs as it does in a guest.
 * Arguments: a work folder on the disk to measure, and the number of messages per measurement.
 */
public final class HubBenchmark {
    private static final int THROUGHPUT_RUNS = 5;
    private static final int LATENCY_RUNS = 3;
    private static final int RATE = 1_000;
    private static final int LATENCY_SECONDS = 10;
    private static final int SYNC_SECONDS = 5;
    private static final long TIMEOUT_SECONDS = 300;
    private static final String TO_RECEIVER =
            "FROM /messages/modules/sender/outputs/out INTO BrokeredEndpoint(\"/modules/receiver/inputs/in\")";
    private static final String TO_UPSTREAM = "FROM /messages/modules/sender/* INTO $upstream";
    private static final String REFERENCE_TOPIC = "bench/pubsub";
    private static final String UPSTREAM_EVENTS = "devices/" + BenchHub.DEVICE.deviceId() + "/messages/events/#";
    private static final Consumer<byte[]> IGNORE = body -> { };

    /** Held so the settings stick: the hub's info lines, and the expected refusals of the offline upstream. */
    private static final Logger HUB_LOG = Logger.getLogger("io.eflow");
    private static final Logger UPSTREAM_LOG = Logger.getLogger("io.eflow.edge.hub.upstream");

    private final Path work;
    private final Mosquitto reference;
    private final Mosquitto upstream;
    private int hubs;

    private HubBenchmark(Path work, Mosquitto reference, Mosquitto upstream) {
        this.work = work;
        this.reference = reference;
        this.upstream = upstream;
    }

    public static void main(String[] args) throws Exception {
        HUB_LOG.setLevel(Level.WARNING);
        UPSTREAM_LOG.setLevel(Level.SEVERE);
        Path work = Path.of(args[0]);
        int messages = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        try (Mosquitto reference = Mosquitto.start(work.resolve("mosquitto-reference"));
             Mosquitto upstream = Mosquitto.start(work.resolve("mosquitto-upstream"))) {
            // the upstream broker is down until a drain starts: only its free port is needed now
            upstream.stop();
            // an interrupted run still stops both brokers by their PIDs
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stopQuietly(reference, upstream)));
            new HubBenchmark(work, reference, upstream).run(messages);
        }
    }

    private void run(int messages) throws Exception {
        warmUp(Math.min(messages, 10_000));
        System.out.printf("%d-byte bodies, QoS 1, %,d messages a measurement; hub and mosquitto alternating, median of"
                        + " %d runs [their range] (latency: of %d runs of %d s, the one with the median p99)%n",
                BenchBody.BYTES, messages, THROUGHPUT_RUNS, LATENCY_RUNS, LATENCY_SECONDS);
        System.out.printf("%d CPUs, JVM flags: %s, store on %s%n", Runtime.getRuntime().availableProcessors(),
                String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()), work);
        double mosquittoRate = throughput(messages);
        latency();
        upstream(messages, mosquittoRate);
    }

    /** Prints the routed rate next to mosquitto's pub/sub rate, and returns the latter. */
    private double throughput(int messages) throws Exception {
        List<Double> hubRates = new ArrayList<>();
        List<Double> mosquittoRates = new ArrayList<>();
        for (int run = 0; run < THROUGHPUT_RUNS; run++) {
            hubRates.add(routed(messages));
            mosquittoRates.add(pubSub(messages));
        }
        double hubRate = median(hubRates);
        double mosquittoRate = median(mosquittoRates);
        double ratio = hubRate / mosquittoRate;
        row("routed module -> module", rate(hubRate) + spread(hubRates), String.format(
                "mosquitto pub/sub: %s%s; hub %.2f x (target >= 1.0 x: %s)", rate(mosquittoRate), spread(mosquittoRates),
                ratio, met(ratio >= 1.0)));
        return mosquittoRate;
    }

    private void latency() throws Exception {
        List<Arrivals> hubLatencies = new ArrayList<>();
        List<Arrivals> mosquittoLatencies = new ArrayList<>();
        for (int run = 0; run < LATENCY_RUNS; run++) {
            hubLatencies.add(routedLatency(RATE * LATENCY_SECONDS));
            mosquittoLatencies.add(pubSubLatency(RATE * LATENCY_SECONDS));
        }
        Arrivals hub = medianByP99(hubLatencies);
        double p99 = hub.percentileMillis(0.99);
        row(String.format("latency at %,d msg/s, p50/p99/max", RATE), latencies(hub), String.format(
                "mosquitto: %s (target p99 <= 2 ms: %s)", latencies(medianByP99(mosquittoLatencies)), met(p99 <= 2)));
        double[] sync = SyncLatency.measure(work.resolve("sync-probe"), RATE, RATE * SYNC_SECONDS);
        row(String.format("fdatasync at %,d/s, p50/p99/max", RATE), String.format("%.2f / %.2f / %.2f ms", sync[0],
                sync[1], sync[2]), "the disk's part of a PUBACK's latency (a message is delivered once written, before its sync)");
    }

    private void upstream(int messages, double mosquittoRate) throws Exception {
        List<Double> ingests = new ArrayList<>();
        List<Double> drains = new ArrayList<>();
        List<Double> referenceIngests = new ArrayList<>();
        for (int run = 0; run < THROUGHPUT_RUNS; run++) {
            Upstreamed upstreamed = offlineIngestThenDrain(messages);
            ingests.add(upstreamed.ingest());
            drains.add(upstreamed.drain());
            referenceIngests.add(referenceIngest(messages));
        }
        double ingest = median(ingests);
        row("durable ingest, upstream offline", rate(ingest) + spread(ingests), String.format(
                "mosquitto, persistence off: %s%s (target >= 10,000 msg/s: %s)", rate(median(referenceIngests)),
                spread(referenceIngests), met(ingest >= 10_000)));
        double drain = median(drains);
        row("drain once the upstream is back", rate(drain) + spread(drains), String.format(
                "mosquitto pub/sub (above): %s; hub %.2f x (no target)", rate(mosquittoRate), drain / mosquittoRate));
    }

    /** Every path once or twice, unmeasured: the JIT compiles the hub's and the clients' code before it counts. */
    private void warmUp(int messages) throws Exception {
        for (int round = 0; round < 2; round++) {
            routed(messages);
            pubSub(messages);
        }
        routedLatency(2 * RATE);
        pubSubLatency(2 * RATE);
        offlineIngestThenDrain(messages);
        referenceIngest(messages);
    }

    /** Module to module through a route of a fresh hub: msg/s from the first publish to the last arrival. */
    private double routed(int messages) throws Exception {
        return throughHub(messages, (sender, topic, arrivals) -> flood(sender, topic, arrivals, messages));
    }

    /** The reference: one publisher and one subscriber on a topic of mosquitto. */
    private double pubSub(int messages) throws Exception {
        return throughMosquitto(messages, (sender, topic, arrivals) -> flood(sender, topic, arrivals, messages));
    }

    private Arrivals routedLatency(int messages) throws Exception {
        return throughHub(messages, (sender, topic, arrivals) -> paced(sender, topic, arrivals, messages));
    }

    private Arrivals pubSubLatency(int messages) throws Exception {
        return throughMosquitto(messages, (sender, topic, arrivals) -> paced(sender, topic, arrivals, messages));
    }

    /** What a measurement does with a sender that publishes on a topic and what its receiver gets. */
    @FunctionalInterface
    private interface Drive<T> {
        T drive(BenchClient sender, String topic, Arrivals arrivals) throws Exception;
    }

    /** Drives the module {@code sender}, whose output the route takes to the module {@code receiver}'s input. */
    private <T> T throughHub(int messages, Drive<T> drive) throws Exception {
        try (BenchHub hub = hub(TO_RECEIVER)) {
            Arrivals arrivals = new Arrivals(messages);
            try (BenchClient receiver = hub.module("receiver", arrivals::arrived);
                 BenchClient sender = hub.module("sender", IGNORE)) {
                receiver.subscribe(BenchHub.inputs("receiver"));
                return drive.drive(sender, BenchHub.events("sender", "out"), arrivals);
            }
        }
    }

    /** Drives a publisher on a topic of the reference mosquitto, to which one subscriber is subscribed. */
    private <T> T throughMosquitto(int messages, Drive<T> drive) throws Exception {
        Arrivals arrivals = new Arrivals(messages);
        try (BenchClient subscriber = anonymous(reference, "bench-subscriber", arrivals::arrived);
             BenchClient publisher = anonymous(reference, "bench-publisher", IGNORE)) {
            subscriber.subscribe(REFERENCE_TOPIC);
            return drive.drive(publisher, REFERENCE_TOPIC, arrivals);
        }
    }

    private static double flood(BenchClient sender, String topic, Arrivals arrivals, int messages) throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            sender.publish(topic, BenchBody.of(i, System.nanoTime()));
        }
        long last = arrivals.awaitAll(TIMEOUT_SECONDS);
        sender.awaitAcknowledged(TIMEOUT_SECONDS);
        return messages / seconds(start, last);
    }

    /**
     * Sends at {@link #RATE} on a fixed schedule of the monotonic clock: a late send does not push back the ones
     * after it. Each body carries the time it was due rather than the time it went, so a sender held up (by the
     * client, or a server that stopped reading) counts against the latency instead of hiding it.
     */
    private static Arrivals paced(BenchClient sender, String topic, Arrivals arrivals, int messages) throws Exception {
        long interval = TimeUnit.SECONDS.toNanos(1) / RATE;
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(10);
        for (int i = 0; i < messages; i++) {
            long due = start + i * interval;
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            sender.publish(topic, BenchBody.of(i, due));
        }
        arrivals.awaitAll(TIMEOUT_SECONDS);
        sender.awaitAcknowledged(TIMEOUT_SECONDS);
        return arrivals;
    }

    /** Msg/s into the store while the upstream was down, and out to it once it was back. */
    private record Upstreamed(double ingest, double drain) {
    }

    /**
     * Ingest while the upstream is down, then the drain once it is back. The link is cleared before the broker starts
     * and set again once the far side subscribed: otherwise the link's back-off (1 s doubling to 30 s) would decide
     * when the drain starts, and a link connecting before the far side subscribed would send messages mosquitto
     * drops for want of a subscriber.
     */
    private Upstreamed offlineIngestThenDrain(int messages) throws Exception {
        try (BenchHub hub = hub(TO_UPSTREAM)) {
            String endpoint = "mqtt://127.0.0.1:" + upstream.port();
            Optional<String> device = Optional.of(BenchHub.DEVICE.deviceId());
            hub.service().setUpstream(endpoint, device);
            double ingest;
            try (BenchClient sender = hub.module("sender", IGNORE)) {
                long start = System.nanoTime();
                for (int i = 0; i < messages; i++) {
                    sender.publish(BenchHub.events("sender", "out"), BenchBody.of(i, System.nanoTime()));
                }
                sender.awaitAcknowledged(TIMEOUT_SECONDS);
                ingest = messages / seconds(start, System.nanoTime());
            }
            EndpointMetrics queued = hub.service().hub().store().metrics().endpoints().get(UpstreamConnector.ENDPOINT);
            if (queued == null || queued.queueLength() != messages) {
                throw new IllegalStateException("the upstream queue holds " + (queued == null ? 0 : queued.queueLength())
                        + " messages, not the " + messages + " sent");
            }
            hub.service().clearUpstream();
            upstream.start();
            try {
                Arrivals arrivals = new Arrivals(messages);
                try (BenchClient farSide = anonymous(upstream, "bench-far-side", arrivals::arrived)) {
                    farSide.subscribe(UPSTREAM_EVENTS);
                    long start = System.nanoTime();
                    hub.service().setUpstream(endpoint, device);
                    long last = arrivals.awaitAll(TIMEOUT_SECONDS);
                    return new Upstreamed(ingest, messages / seconds(start, last));
                }
            } finally {
                hub.service().clearUpstream();
                upstream.stop();
            }
        }
    }

    /** The reference: the same publisher against mosquitto, which keeps nothing on disk, and no subscriber. */
    private double referenceIngest(int messages) throws Exception {
        try (BenchClient publisher = anonymous(reference, "bench-publisher", IGNORE)) {
            long start = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                publisher.publish("bench/ingest", BenchBody.of(i, System.nanoTime()));
            }
            publisher.awaitAcknowledged(TIMEOUT_SECONDS);
            return messages / seconds(start, System.nanoTime());
        }
    }

    private BenchHub hub(String route) throws Exception {
        return BenchHub.start(work.resolve("hub" + hubs++), Map.of("bench", route));
    }

    private static BenchClient anonymous(Mosquitto broker, String clientId, Consumer<byte[]> onMessage)
            throws MqttException {
        return BenchClient.connect("tcp://127.0.0.1:" + broker.port(), clientId, Optional.empty(), Optional.empty(),
                onMessage);
    }

    private static void stopQuietly(Mosquitto... brokers) {
        for (Mosquitto broker : brokers) {
            try {
                broker.stop();
            } catch (Exception e) {
                System.err.println("bench: could not stop mosquitto: " + e);
            }
        }
    }

    private static double median(List<Double> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    private static Arrivals medianByP99(List<Arrivals> runs) {
        return runs.stream().sorted(Comparator.comparingDouble(a -> a.percentileMillis(0.99))).toList()
                .get(runs.size() / 2);
    }

    private static double seconds(long from, long to) {
        return (to - from) / 1e9;
    }

    private static String rate(double perSecond) {
        return String.format("%,.0f msg/s", perSecond);
    }

    /** The runs' range: on a shared machine one run can be far off, and the median alone would not say so. */
    private static String spread(List<Double> runs) {
        return String.format(" [%.1fk-%.1fk]", runs.stream().min(Double::compare).orElseThrow() / 1000,
                runs.stream().max(Double::compare).orElseThrow() / 1000);
    }

    private static String latencies(Arrivals arrivals) {
        return String.format("%.2f / %.2f / %.2f ms", arrivals.percentileMillis(0.5), arrivals.percentileMillis(0.99),
                arrivals.percentileMillis(1));
    }

    private static String met(boolean met) {
        return met ? "met" : "MISSED";
    }

    private static void row(String what, String figure, String reference) {
        System.out.printf("%-36s %-34s | %s%n", what, figure, reference);
    }
}
