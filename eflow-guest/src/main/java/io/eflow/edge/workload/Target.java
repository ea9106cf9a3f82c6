package io.eflow.edge.workload;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An HTTP request target split into decoded path segments and query parameters. Segments are split before they are
 * decoded, so an escaped {@code /} ({@code %2F}) stays inside its segment; {@code +} is a plus, as in a path (the SDKs
 * escape module ids with {@code encodeURIComponent}, which escapes a plus).
 */
record Target(String path, List<String> segments, Map<String, String> parameters) {
    Target {
        segments = List.copyOf(segments);
        parameters = Map.copyOf(parameters);
    }

    /** @throws IllegalArgumentException for a target that is not an absolute path, or a bad escape */
    static Target parse(String target) {
        int question = target.indexOf('?');
        String path = question < 0 ? target : target.substring(0, question);
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("the request target '" + target + "' is not an absolute path");
        }
        List<String> segments = new ArrayList<>();
        for (String segment : path.substring(1).split("/", -1)) {
            segments.add(decode(segment));
        }
        if (segments.size() > 1 && segments.get(segments.size() - 1).isEmpty()) {
            segments.remove(segments.size() - 1); // a trailing slash
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        if (question >= 0) {
            for (String pair : target.substring(question + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = decode(equals < 0 ? pair : pair.substring(0, equals));
                parameters.putIfAbsent(name, equals < 0 ? "" : decode(pair.substring(equals + 1)));
            }
        }
        return new Target(path, segments, parameters);
    }

    Optional<String> query(String name) {
        return Optional.ofNullable(parameters.get(name));
    }

    private static String decode(String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            if (i + 2 >= text.length() || Character.digit(text.charAt(i + 1), 16) < 0
                    || Character.digit(text.charAt(i + 2), 16) < 0) {
                throw new IllegalArgumentException("'" + text + "' has a bad escape (%XX with two hex digits)");
            }
            bytes.write(Character.digit(text.charAt(i + 1), 16) * 16 + Character.digit(text.charAt(i + 2), 16));
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("'" + text + "' does not decode to UTF-8");
        }
    }
}
