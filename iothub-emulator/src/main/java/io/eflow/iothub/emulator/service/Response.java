package io.eflow.iothub.emulator.service;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What a route answers: status, extra headers, body and its type. */
public record Response(int status, Map<String, String> headers, byte[] body, String contentType) {
    public static final String JSON = "application/json; charset=utf-8";

    public static Response json(int status, byte[] body) {
        return new Response(status, Map.of(), body, JSON);
    }

    public static Response json(int status, byte[] body, String etag) {
        return new Response(status, Map.of("ETag", "\"" + etag + "\""), body, JSON);
    }

    public static Response empty(int status) {
        return new Response(status, Map.of(), new byte[0], "");
    }

    /** Azure Storage's error: its code in {@code x-ms-error-code}, which clients report rather than the body. */
    public static Response storageError(int status, String code, String message) {
        return new Response(status, Map.of("x-ms-error-code", code), (code + ": " + message).getBytes(StandardCharsets.UTF_8),
                "text/plain; charset=utf-8");
    }

    public static Response text(int status, String text) {
        return new Response(status, Map.of(), text.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
    }
}
