package io.eflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.platform.Json;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Human-readable forms of the daemon's records, built from their JSON shape: objects become aligned
 * "Label  value" lines (nested objects indented), lists of objects become tables. Working from the shape
 * rather than from each record's accessors means a field added to a record shows up without touching the CLI.
 */
final class TextRenderer {
    private static final String INDENT = "  ";
    private static final Map<String, String> WORDS = Map.ofEntries(
            Map.entry("cpu", "CPU"), Map.entry("cpus", "CPUs"), Map.entry("ip", "IP"), Map.entry("mac", "MAC"),
            Map.entry("id", "ID"), Map.entry("mb", "(MB)"), Map.entry("gb", "(GB)"), Map.entry("percent", "(%)"),
            Map.entry("seconds", "(s)"), Map.entry("ssh", "SSH"), Map.entry("pid", "PID"), Map.entry("dps", "DPS"));

    private TextRenderer() {
    }

    /** "Label  value" lines for a record (or any object). */
    static String keyValues(Object value) {
        StringBuilder text = new StringBuilder();
        object(Json.MAPPER.valueToTree(value), "", text);
        return text.toString();
    }

    /** A table of records, one row each, with a header of their field names. */
    static String table(List<?> rows) {
        StringBuilder text = new StringBuilder();
        table(Json.MAPPER.valueToTree(rows), "", text);
        return text.toString();
    }

    /**
     * What an instance gets from the host (shared folders, serial ports): a table of them, how the backend carries them,
     * and, while the guest runs, that a change shows from its next start.
     */
    static String hostResources(String instance, String what, List<?> rows, String transport, boolean running) {
        String text = rows.isEmpty() ? instance + ": no " + what + "\n" : table(rows) + "carried as " + transport + "\n";
        return running ? text + "changes show from the next start: eflow stop && eflow start" : text;
    }

    /** "memoryTotalMb" → "Memory total (MB)". */
    static String label(String field) {
        String[] words = field.split("(?<=[a-z0-9])(?=[A-Z])|_");
        List<String> out = new ArrayList<>();
        for (String word : words) {
            String lower = word.toLowerCase(Locale.ROOT);
            out.add(WORDS.getOrDefault(lower, lower));
        }
        String joined = String.join(" ", out);
        return Character.toUpperCase(joined.charAt(0)) + joined.substring(1);
    }

    private static void object(JsonNode node, String indent, StringBuilder text) {
        if (!node.isObject()) {
            text.append(indent).append(scalar(node)).append('\n');
            return;
        }
        int width = 0;
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            width = Math.max(width, label(names.next()).length());
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String label = label(field.getKey());
            JsonNode value = field.getValue();
            if (value.isObject()) {
                text.append(indent).append(label).append('\n');
                object(value, indent + INDENT, text);
            } else if (value.isArray() && value.size() > 0 && value.get(0).isObject()) {
                text.append(indent).append(label).append('\n');
                table(value, indent + INDENT, text);
            } else {
                text.append(indent).append(pad(label, width)).append("  ").append(scalar(value)).append('\n');
            }
        }
    }

    private static void table(JsonNode rows, String indent, StringBuilder text) {
        if (rows.isEmpty()) {
            return;
        }
        List<String> columns = new ArrayList<>();
        rows.get(0).fieldNames().forEachRemaining(columns::add);
        List<List<String>> cells = new ArrayList<>();
        cells.add(columns.stream().map(column -> label(column).toUpperCase(Locale.ROOT)).toList());
        for (JsonNode row : rows) {
            cells.add(columns.stream().map(column -> scalar(row.path(column))).toList());
        }
        int[] widths = new int[columns.size()];
        for (List<String> line : cells) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        for (List<String> line : cells) {
            StringBuilder row = new StringBuilder(indent);
            for (int i = 0; i < widths.length; i++) {
                row.append(i == widths.length - 1 ? line.get(i) : pad(line.get(i), widths[i]) + "  ");
            }
            text.append(row.toString().stripTrailing()).append('\n');
        }
    }

    private static String scalar(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "-";
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.isContainerNode() ? item.toString() : item.asText()));
            return items.isEmpty() ? "-" : String.join(", ", items);
        }
        if (value.isObject()) {
            return value.toString();
        }
        return value.asText();
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }
}
