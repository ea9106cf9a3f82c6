package io.eflow.edge.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.wire.LogLine;
import io.eflow.edge.device.ModuleRuntime;
import io.eflow.edge.logs.Since;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * Which modules' logs a logs method asks for, and how they are written: IoT Edge's {@code {"items": [{"id": "<module
 * regex>", "filter": {"tail", "since", "until", "loglevel", "regex"}}], "encoding": "none|gzip", "contentType":
 * "text|json"}}, which {@code GetModuleLogs}, {@code UploadModuleLogs} and (with one item of its own) {@code
 * UploadSupportBundle} share. Text is the lines as they were written; JSON a list of {@code {"id", "stream", "text",
 * "timestamp", "loglevel"}}.
 */
record LogsRequest(List<Item> items, boolean gzip, boolean json) {
    private static final ObjectMapper JSON = Mappers.standard();
    /** The recommended line format's level: {@code <6> 2024-05-01 12:00:00.000 +00:00 text}. */
    private static final Pattern LEVEL = Pattern.compile("^<([0-7])>");

    /** Modules whose name matches {@code id}, their lines filtered by {@code filter}. */
    record Item(Pattern id, Filter filter) {
    }

    /**
     * @param method names the method in the message of a refusal
     * @throws IllegalArgumentException with a one-line message: no items, a bad regex or a bad time
     */
    static LogsRequest parse(JsonNode request, String method, Clock clock) {
        if (request == null || !request.path("items").isArray() || request.path("items").isEmpty()) {
            throw new IllegalArgumentException(method + " needs items: [{\"id\": \"<module regex>\", \"filter\": {…}}]");
        }
        List<Item> items = new ArrayList<>();
        for (JsonNode item : request.path("items")) {
            try {
                items.add(new Item(Pattern.compile(item.path("id").asText(".*")), Filter.of(item.path("filter"), clock)));
            } catch (IllegalArgumentException e) { // a bad regex (PatternSyntaxException) or time
                throw new IllegalArgumentException(method + ": " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        return new LogsRequest(items, request.path("encoding").asText("none").equalsIgnoreCase("gzip"),
                request.path("contentType").asText("text").equalsIgnoreCase("json"));
    }

    /** A field's text; empty when it is absent or null. */
    static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }

    /** Each deployed module some item matches, in the deployment's order, with its lines; the first match filters. */
    Map<String, List<LogLine>> select(ModuleRuntime runtime) throws IOException {
        Map<String, List<LogLine>> selected = new LinkedHashMap<>();
        for (Item item : items) {
            for (String module : runtime.modules().keySet()) {
                if (item.id().matcher(module).matches() && !selected.containsKey(module)) {
                    Filter filter = item.filter();
                    selected.put(module, filter.apply(runtime.logs(module, filter.tail(), filter.since())));
                }
            }
        }
        return selected;
    }

    /** The lines as text or JSON, the oldest dropped until they fit {@code budget} bytes. */
    byte[] content(String module, List<LogLine> lines, int budget) throws IOException {
        List<LogLine> kept = new ArrayList<>(lines);
        while (true) {
            byte[] content = json ? JSON.writeValueAsBytes(jsonLines(module, kept)) : text(kept);
            if (content.length <= budget || kept.isEmpty()) {
                return content.length <= budget ? content : new byte[0];
            }
            kept.remove(0);
        }
    }

    /** The content as it is sent: gzipped when the request asked for it. */
    byte[] encoded(byte[] content) throws IOException {
        if (!gzip) {
            return content;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }

    /** The file extension IoT Edge gives uploaded logs of this form. */
    String extension() {
        return (json ? "json" : "log") + (gzip ? ".gz" : "");
    }

    String mediaType() {
        return json ? "application/json" : "text/plain";
    }

    private static byte[] text(List<LogLine> lines) {
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line.text()).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ArrayNode jsonLines(String module, List<LogLine> lines) {
        ArrayNode array = JSON.createArrayNode();
        for (LogLine line : lines) {
            array.addObject().put("id", module).put("stream", line.stream()).put("text", line.text())
                    .put("timestamp", line.time().toString()).put("loglevel", level(line.text()));
        }
        return array;
    }

    /** A line's syslog level from the recommended format; 6 (informational) when it names none. */
    static int level(String text) {
        Matcher level = LEVEL.matcher(text);
        return level.find() ? Integer.parseInt(level.group(1)) : 6;
    }

    /** An item's filter: tail and since go to the log reader, until, loglevel and regex are applied here. */
    record Filter(int tail, Optional<Instant> since, Optional<Instant> until, Optional<Integer> loglevel,
                  Optional<Pattern> regex) {
        /** Everything between {@code since} and {@code until}. */
        static Filter window(Optional<Instant> since, Optional<Instant> until) {
            return new Filter(-1, since, until, Optional.empty(), Optional.empty());
        }

        static Filter of(JsonNode filter, Clock clock) {
            return new Filter(filter.path("tail").asInt(-1),
                    text(filter, "since").map(value -> Since.parse(value, clock)),
                    text(filter, "until").map(value -> Since.parse(value, clock)),
                    filter.hasNonNull("loglevel") ? Optional.of(filter.path("loglevel").asInt()) : Optional.empty(),
                    text(filter, "regex").map(Pattern::compile));
        }

        List<LogLine> apply(List<LogLine> lines) {
            return lines.stream()
                    .filter(line -> until.map(end -> !line.time().isAfter(end)).orElse(true))
                    .filter(line -> loglevel.map(max -> level(line.text()) <= max).orElse(true))
                    .filter(line -> regex.map(pattern -> pattern.matcher(line.text()).find()).orElse(true))
                    .toList();
        }
    }
}
