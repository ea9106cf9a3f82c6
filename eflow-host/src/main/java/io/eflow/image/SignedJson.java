package io.eflow.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.eflow.contract.json.Mappers;
import io.eflow.platform.EflowException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON of signed documents (image and bundle manifests, their signatures): stable bytes for a given record
 * (the record's property order, LF, a trailing newline), because a signature covers exact bytes.
 */
public final class SignedJson {
    private static final ObjectMapper JSON = Mappers.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private SignedJson() {
    }

    public static byte[] write(Object value) {
        try {
            return (JSON.writeValueAsString(value).replace("\r\n", "\n") + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }

    /** Parses {@code json}; {@code what} names the document in the one-line error ("image manifest"). */
    public static <T> T read(byte[] json, Class<T> type, String what) {
        T value;
        try {
            value = JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new EflowException(what + " is not valid: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new EflowException(what + " is not readable: " + e.getMessage());
        }
        if (value == null) {
            throw new EflowException(what + " is not valid: it is JSON null, not an object");
        }
        return value;
    }
}
