package io.eflow.platform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.json.Mappers;

import java.io.IOException;

/**
 * The one JSON configuration eflow uses — files on disk, the daemon's API and the CLI's {@code --json} — so what
 * the daemon writes the CLI reads back exactly. byte[] travels as base64 (Jackson's default).
 */
public final class Json {
    public static final ObjectMapper MAPPER = Mappers.builder()
            // a newer daemon may add fields; an older CLI should still read what it knows
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw EflowException.failure("cannot write JSON for " + value.getClass().getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    public static String pretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw EflowException.failure("cannot write JSON for " + value.getClass().getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads a request body, strictly: a misspelt field ("cpu" for "cpus") is refused rather than silently ignored,
     * which is safe because the CLI and the daemon come from one build. Malformed input is the sender's mistake,
     * so it is a 400 with Jackson's first line.
     */
    public static <T> T readRequest(byte[] json, Class<T> type) {
        T request;
        try {
            request = MAPPER.readerFor(type).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(json);
        } catch (JsonProcessingException e) {
            throw new EflowException(400, "malformed " + type.getSimpleName() + " JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            // bytes in memory have no I/O to fail: this is an encoding Jackson cannot decode (CharConversionException)
            throw new EflowException(400, "malformed " + type.getSimpleName() + " JSON: " + firstLine(e.getMessage()));
        }
        if (request == null) {
            // every route goes on to use the request: a body of JSON null is not one
            throw new EflowException(400, "malformed " + type.getSimpleName() + " JSON: null, not an object");
        }
        return request;
    }

    /** Reads one of the daemon's answers, leniently (see {@link #MAPPER}); a broken answer is the daemon's failure. */
    public static <T> T readAnswer(byte[] json, JavaType type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw EflowException.failure("eflowd's answer is not the expected " + type.getRawClass().getSimpleName() + " JSON: "
                    + firstLine(e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
    }

    public static <T> T readAnswer(byte[] json, Class<T> type) {
        return readAnswer(json, MAPPER.constructType(type));
    }

    /**
     * One whole JSON value of any kind (a direct method's payload, say), nothing before or after it.
     *
     * @throws IllegalArgumentException with Jackson's first line when it is not exactly one JSON value
     */
    public static JsonNode readValue(byte[] json) {
        try {
            JsonNode value = MAPPER.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(json);
            if (value == null || value.isMissingNode()) {
                throw new IllegalArgumentException("no JSON value");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(firstLine(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
