package io.eflow.edge.hub.route;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.route.ConditionInput;
import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.SystemProperties;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * One message being routed: its body is parsed at most once, when a condition first asks for it, however many routes
 * ask. Not thread-safe; one per message.
 */
final class Evaluation implements ConditionInput {
    private static final ObjectMapper JSON = Mappers.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final Set<String> BODY_ENCODINGS = Set.of("utf-8", "utf-16", "utf-32");

    private final HubMessage message;
    private JsonNode body;
    private boolean bodyRead;

    Evaluation(HubMessage message) {
        this.message = message;
    }

    HubMessage message() {
        return message;
    }

    @Override
    public String systemProperty(String name) {
        return message.systemProperty(name);
    }

    @Override
    public String applicationProperty(String name) {
        return message.applicationProperty(name);
    }

    /**
     * The body as JSON, or null when conditions cannot see it: IoT Hub reads a body only when contentType is
     * application/json and contentEncoding is UTF-8, UTF-16 or UTF-32 (both ignoring case), and only if it parses.
     */
    @Override
    public JsonNode body() {
        if (!bodyRead) {
            bodyRead = true;
            body = readBody();
        }
        return body;
    }

    private JsonNode readBody() {
        String type = message.systemProperty(SystemProperties.CONTENT_TYPE);
        String encoding = message.systemProperty(SystemProperties.CONTENT_ENCODING);
        if (type == null || !type.equalsIgnoreCase("application/json") || encoding == null
                || !BODY_ENCODINGS.contains(encoding.toLowerCase(Locale.ROOT)) || message.bodyLength() == 0) {
            return null;
        }
        // Jackson tells UTF-8, UTF-16 and UTF-32 (either byte order, with or without a BOM) apart by the bytes a JSON
        // text starts with; the declared encoding only decides whether the body is read at all.
        try {
            return JSON.readTree(message.bodyStream());
        } catch (IOException e) {
            return null; // a body that is not JSON: every $body reference is undefined
        }
    }
}
