package io.eflow.cli;

import io.eflow.contract.wire.HubStatus;
import io.eflow.contract.wire.UpstreamState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code eflow hub status} for people: the summary first (clients, the upstream link, what was refused or went
 * nowhere, the store's use), then a table of the store's endpoints, then counts per source and per route.
 */
final class HubStatusText {
    private HubStatusText() {
    }

    static String text(HubStatus status) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("clients", status.clients());
        summary.put("upstream", upstream(status.upstream()));
        summary.put("unrouted", status.unrouted());
        summary.put("refused", status.refused());
        HubStatus.Store store = status.store();
        if (store != null) {
            summary.put("store", bytes(store.bytesUsed()) + " of " + bytes(store.maxBytes()));
        }
        StringBuilder text = new StringBuilder(TextRenderer.keyValues(summary));
        section(text, store == null ? List.of() : endpoints(store.endpoints()));
        section(text, counts(status.received(), "source", "received"));
        section(text, counts(status.routed(), "route", "routed"));
        return text.toString();
    }

    /** One line: whether the hub reaches its upstream, and if not, since when and why. */
    static String upstream(UpstreamState upstream) {
        if (upstream == null || !upstream.configured()) {
            return "not configured";
        }
        String endpoint = upstream.endpoint() == null ? "?" : upstream.endpoint();
        if (upstream.connected()) {
            return "connected to " + endpoint;
        }
        StringBuilder line = new StringBuilder("not connected to ").append(endpoint);
        if (upstream.disconnectedSince() != null) {
            line.append(" since ").append(upstream.disconnectedSince());
        }
        if (upstream.lastError() != null) {
            line.append(": ").append(upstream.lastError());
        }
        return line.toString();
    }

    private static List<Map<String, Object>> endpoints(Map<String, HubStatus.Endpoint> endpoints) {
        List<Map<String, Object>> rows = new ArrayList<>();
        if (endpoints == null) {
            return rows;
        }
        endpoints.forEach((endpoint, queue) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("endpoint", endpoint);
            row.put("queue", queue.queueLength());
            row.put("inFlight", queue.inFlight());
            row.put("oldest", queue.queueLength() == 0 ? "-" : String.format(Locale.ROOT, "%.1f s", queue.oldestAgeSeconds()));
            row.put("delivered", queue.delivered());
            row.put("expired", queue.expired());
            row.put("redelivered", queue.redelivered());
            rows.add(row);
        });
        return rows;
    }

    private static List<Map<String, Object>> counts(Map<String, Long> counts, String what, String count) {
        List<Map<String, Object>> rows = new ArrayList<>();
        if (counts != null) {
            counts.forEach((key, n) -> {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put(what, key);
                row.put(count, n);
                rows.add(row);
            });
        }
        return rows;
    }

    private static void section(StringBuilder text, List<Map<String, Object>> rows) {
        if (!rows.isEmpty()) {
            text.append('\n').append(TextRenderer.table(rows));
        }
    }

    /** Binary units, one decimal: what {@code du -h} users read at a glance. */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        String unit = "B";
        for (String next : List.of("KiB", "MiB", "GiB", "TiB")) {
            if (value < 1024) {
                break;
            }
            value /= 1024;
            unit = next;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, unit);
    }
}
