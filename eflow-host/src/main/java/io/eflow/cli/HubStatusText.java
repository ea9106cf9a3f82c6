package io.eflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.platform.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code eflow hub status} for people: the summary first (clients, the upstream link, what was refused or went
 * nowhere, the store's use), then a table of the store's endpoints, then counts per source and per route.
 */
final class HubStatusText {
    private HubStatusText() {
    }

    static String text(JsonNode status) {
        ObjectNode summary = Json.MAPPER.createObjectNode()
                .put("clients", status.path("clients").asLong())
                .put("upstream", upstream(status.path("upstream")))
                .put("unrouted", status.path("unrouted").asLong())
                .put("refused", status.path("refused").asLong());
        JsonNode store = status.path("store");
        if (!store.isMissingNode()) {
            summary.put("store", bytes(store.path("bytesUsed").asLong()) + " of " + bytes(store.path("maxBytes").asLong()));
        }
        StringBuilder text = new StringBuilder(TextRenderer.keyValues(summary));
        section(text, endpoints(store.path("endpoints")));
        section(text, counts(status.path("received"), "source", "received"));
        section(text, counts(status.path("routed"), "route", "routed"));
        return text.toString();
    }

    /** One line: whether the hub reaches its upstream, and if not, since when and why. */
    static String upstream(JsonNode upstream) {
        if (!upstream.path("configured").asBoolean()) {
            return "not configured";
        }
        String endpoint = upstream.path("endpoint").asText("?");
        if (upstream.path("connected").asBoolean()) {
            return "connected to " + endpoint;
        }
        StringBuilder line = new StringBuilder("not connected to ").append(endpoint);
        if (upstream.hasNonNull("disconnectedSince")) {
            line.append(" since ").append(upstream.get("disconnectedSince").asText());
        }
        if (upstream.hasNonNull("lastError")) {
            line.append(": ").append(upstream.get("lastError").asText());
        }
        return line.toString();
    }

    private static List<ObjectNode> endpoints(JsonNode endpoints) {
        List<ObjectNode> rows = new ArrayList<>();
        endpoints.fields().forEachRemaining(entry -> {
            JsonNode queue = entry.getValue();
            long length = queue.path("queueLength").asLong();
            rows.add(Json.MAPPER.createObjectNode()
                    .put("endpoint", entry.getKey())
                    .put("queue", length)
                    .put("inFlight", queue.path("inFlight").asLong())
                    .put("oldest", length == 0 ? "-" : String.format(Locale.ROOT, "%.1f s", queue.path("oldestAgeSeconds").asDouble()))
                    .put("delivered", queue.path("delivered").asLong())
                    .put("expired", queue.path("expired").asLong())
                    .put("redelivered", queue.path("redelivered").asLong()));
        });
        return rows;
    }

    private static List<ObjectNode> counts(JsonNode counts, String what, String count) {
        List<ObjectNode> rows = new ArrayList<>();
        counts.fields().forEachRemaining(entry -> rows.add(Json.MAPPER.createObjectNode()
                .put(what, entry.getKey()).put(count, entry.getValue().asLong())));
        return rows;
    }

    private static void section(StringBuilder text, List<ObjectNode> rows) {
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
