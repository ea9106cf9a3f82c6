package io.eflow.edge.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;

/**
 * IoT Edge's {@code GetModuleLogs}: {@code {"schemaVersion": "1.0", "items": [{"id": "<module regex>", "filter":
 * {"tail", "since", "until", "loglevel", "regex"}}], "encoding": "none|gzip", "contentType": "text|json"}}, answered
 * with one {@code {"id", "payload"}} per matching module ({@code payloadBytes}, base64, when gzipped). Text is the
 * lines as they were written; JSON a list of {@code {"id", "stream", "text", "timestamp", "loglevel"}}. The answer is
 * cut to a direct method's 128 KB, newest lines kept.
 */
final class ModuleLogsMethod {
    /** A direct method's response limit, less room for the envelope. */
    static final int MAX_BYTES = 127 * 1024;
    private static final ObjectMapper JSON = Mappers.standard();
    /** The recommended line format's level: {@code <6> 2024-05-01 12:00:00.000 +00:00 text}. */
    private static final Pattern LEVEL = Pattern.compile("^<([0-7])>");

    private final ModuleRuntime runtime;
    private final Clock clock;

    ModuleLogsMethod(ModuleRuntime runtime, Clock clock) {
        this.runtime = runtime;
        this.clock = clock;
    }

    TwinSession.MethodResponse call(JsonNode request) throws IOException {
        if (request == null || !request.path("items").isArray() || request.path("items").isEmpty()) {
            return AgentMethods.error(400, "GetModuleLogs needs items: [{\"id\": \"<module regex>\", \"filter\": {…}}]");
        }
        boolean gzip = request.path("encoding").asText("none").equalsIgnoreCase("gzip");
        boolean json = request.path("contentType").asText("text").equalsIgnoreCase("json");
        ArrayNode answer = JSON.createArrayNode();
        int budget = MAX_BYTES;
        for (JsonNode item : request.path("items")) {
            Pattern id;
            Filter filter;
            try {
                id = Pattern.compile(item.path("id").asText(".*"));
                filter = Filter.of(item.path("filter"), clock);
            } catch (IllegalArgumentException e) { // a bad regex (PatternSyntaxException) or time
                return AgentMethods.error(400, "GetModuleLogs: " + e.getMessage().lines().findFirst().orElse(""));
            }
            for (String module : runtime.modules().keySet()) {
                if (!id.matcher(module).matches() || answered(answer, module)) {
                    continue;
                }
                List<LogLine> lines = filter.apply(runtime.logs(module, filter.tail(), filter.since()));
                byte[] content = content(module, lines, json, budget);
                budget = Math.max(0, budget - content.length);
                ObjectNode entry = answer.addObject().put("id", module);
                if (gzip) {
                    entry.put("payloadBytes", gzip(content));
                } else {
                    entry.put("payload", new String(content, StandardCharsets.UTF_8));
                }
            }
        }
        return new TwinSession.MethodResponse(200, answer);
    }

    private static boolean answered(ArrayNode answer, String module) {
        for (JsonNode entry : answer) {
            if (entry.path("id").asText().equals(module)) {
                return true;
            }
        }
        return false;
    }

    /** The lines as text or JSON, the oldest dropped until they fit {@code budget} bytes. */
    private static byte[] content(String module, List<LogLine> lines, boolean json, int budget) throws IOException {
        List<LogLine> kept = new ArrayList<>(lines);
        while (true) {
            byte[] content = json ? JSON.writeValueAsBytes(jsonLines(module, kept)) : text(kept);
            if (content.length <= budget || kept.isEmpty()) {
                return content.length <= budget ? content : new byte[0];
            }
            kept.remove(0);
        }
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

    private static String gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    /** A line's syslog level from the recommended format; 6 (informational) when it names none. */
    static int level(String text) {
        Matcher level = LEVEL.matcher(text);
        return level.find() ? Integer.parseInt(level.group(1)) : 6;
    }

    /** An item's filter: tail and since go to the log reader, until, loglevel and regex are applied here. */
    record Filter(int tail, Optional<Instant> since, Optional<Instant> until, Optional<Integer> loglevel,
                  Optional<Pattern> regex) {
        static Filter of(JsonNode filter, Clock clock) {
            return new Filter(filter.path("tail").asInt(-1),
                    text(filter, "since").map(value -> Since.parse(value, clock)),
                    text(filter, "until").map(value -> Since.parse(value, clock)),
                    filter.hasNonNull("loglevel") ? Optional.of(filter.path("loglevel").asInt()) : Optional.empty(),
                    text(filter, "regex").map(Pattern::compile));
        }

        private static Optional<String> text(JsonNode filter, String field) {
            JsonNode value = filter.get(field);
            return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
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
