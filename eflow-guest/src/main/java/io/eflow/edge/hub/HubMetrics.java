package io.eflow.edge.hub;

import io.eflow.edge.hub.store.EndpointMetrics;
import io.eflow.edge.hub.store.StoreMetrics;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;

/**
 * The hub's counters, and their Prometheus text exposition (format 0.0.4) together with the store's queue figures.
 * Counters count since the runtime started, as Prometheus counters do.
 */
public final class HubMetrics {
    private final Map<String, LongAdder> received = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> routed = new ConcurrentHashMap<>();
    private final LongAdder unrouted = new LongAdder();
    private final Map<String, LongAdder> refused = new ConcurrentHashMap<>();
    static final List<String> REFUSAL_REASONS = List.of("store_full", "disk_full", "store_failed");

    /** A message arrived from {@code source} ({@code module/output}, or the device). */
    void received(String source) {
        received.computeIfAbsent(source, s -> new LongAdder()).increment();
    }

    /** A route took a message. */
    void routed(String route) {
        routed.computeIfAbsent(route, r -> new LongAdder()).increment();
    }

    /** No route took a message: IoT Edge drops it, and so does the hub, counting it. */
    void unrouted() {
        unrouted.increment();
    }

    /**
     * The store could not take a message: the publisher was not acknowledged.
     *
     * @param reason {@code store_full} (the store's bound), {@code disk_full} (its partition) or {@code store_failed}
     */
    void refused(String reason) {
        refused.computeIfAbsent(reason, r -> new LongAdder()).increment();
    }

    /** A point-in-time copy, with the store's and the connections' figures, for {@code eflow hub status}. */
    public record Snapshot(Map<String, Long> received, Map<String, Long> routed, long unrouted,
                           Map<String, Long> refusedBy, int clients, boolean upstreamConnected, StoreMetrics store) {
        /** Refusals for every reason. */
        public long refused() {
            return refusedBy.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    Snapshot snapshot(int clients, boolean upstreamConnected, StoreMetrics store) {
        return new Snapshot(sums(received), sums(routed), unrouted.sum(), sums(refused), clients, upstreamConnected, store);
    }

    /** The Prometheus exposition of a snapshot. */
    public static String prometheus(Snapshot s) {
        StringBuilder out = new StringBuilder();
        family(out, "edgehub_messages_received_total", "counter", "Messages the hub accepted, by source (module/output or the device).");
        s.received().forEach((source, n) -> sample(out, "edgehub_messages_received_total", "source", source, n));
        family(out, "edgehub_route_messages_total", "counter", "Messages each route took.");
        s.routed().forEach((route, n) -> sample(out, "edgehub_route_messages_total", "route", route, n));
        family(out, "edgehub_messages_unrouted_total", "counter", "Messages no route took, dropped.");
        sample(out, "edgehub_messages_unrouted_total", null, null, s.unrouted());
        family(out, "edgehub_messages_refused_total", "counter", "Messages refused because the store could not keep them"
                + " (publisher not acknowledged), by reason: the store's bound, its disk full, or its disk failing.");
        for (String reason : REFUSAL_REASONS) {
            sample(out, "edgehub_messages_refused_total", "reason", reason, s.refusedBy().getOrDefault(reason, 0L));
        }
        family(out, "edgehub_messages_sent_total", "counter", "Messages an endpoint took (acknowledged), by endpoint.");
        endpoints(out, s, "edgehub_messages_sent_total", EndpointMetrics::delivered);
        family(out, "edgehub_messages_dropped_total", "counter", "Messages dropped before their endpoint took them: time-to-live passed, or unreadable on disk.");
        s.store().endpoints().forEach((endpoint, m) -> {
            out.append("edgehub_messages_dropped_total{endpoint=\"").append(escape(endpoint)).append("\",reason=\"ttl_expired\"} ").append(m.expired()).append('\n');
            out.append("edgehub_messages_dropped_total{endpoint=\"").append(escape(endpoint)).append("\",reason=\"unreadable\"} ").append(m.unreadable()).append('\n');
        });
        family(out, "edgehub_queue_length", "gauge", "Messages waiting for an endpoint, those out for delivery included.");
        endpoints(out, s, "edgehub_queue_length", EndpointMetrics::queueLength);
        family(out, "edgehub_queue_oldest_age_seconds", "gauge", "Age of the oldest message waiting for an endpoint; 0 when none waits.");
        s.store().endpoints().forEach((endpoint, m) -> out.append("edgehub_queue_oldest_age_seconds{endpoint=\"").append(escape(endpoint))
                .append("\"} ").append(m.oldestAge().toMillis() / 1000.0).append('\n'));
        family(out, "edgehub_store_bytes", "gauge", "Bytes the message store uses on disk.");
        sample(out, "edgehub_store_bytes", null, null, s.store().bytesUsed());
        family(out, "edgehub_store_max_bytes", "gauge", "The store's bound: past it new messages are refused.");
        sample(out, "edgehub_store_max_bytes", null, null, s.store().maxBytes());
        family(out, "edgehub_clients_connected", "gauge", "MQTT clients connected.");
        sample(out, "edgehub_clients_connected", null, null, s.clients());
        family(out, "edgehub_upstream_connected", "gauge", "1 when the upstream link is up.");
        sample(out, "edgehub_upstream_connected", null, null, s.upstreamConnected() ? 1 : 0);
        return out.toString();
    }

    private static void endpoints(StringBuilder out, Snapshot s, String name, ToLongFunction<EndpointMetrics> value) {
        s.store().endpoints().forEach((endpoint, m) -> sample(out, name, "endpoint", endpoint, value.applyAsLong(m)));
    }

    private static void family(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String label, String value, long n) {
        out.append(name);
        if (label != null) {
            out.append('{').append(label).append("=\"").append(escape(value)).append("\"}");
        }
        out.append(' ').append(n).append('\n');
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static Map<String, Long> sums(Map<String, LongAdder> counters) {
        Map<String, Long> sums = new TreeMap<>();
        counters.forEach((key, adder) -> sums.put(key, adder.sum()));
        return sums;
    }
}
