package io.eflow.contract.wire;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.eflow.contract.json.Mappers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Requests and replies as lines on the guest runtime's socket: one JSON object each, UTF-8, ended by a newline.
 * A reply line names its kind in {@code reply}; that name is framing added here, not part of the record, so the same
 * records serialize without it anywhere else (the daemon's REST answers).
 */
public final class Wire {
    private static final ObjectMapper MAPPER = Mappers.builder()
            // host and guest can differ by an update: each reads the fields it knows and passes over the rest
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addMixIn(Reply.class, ReplyKinds.class)
            .build();
    private static final ObjectReader REQUESTS = MAPPER.readerFor(Request.class);
    private static final ObjectWriter REQUEST_WRITER = MAPPER.writerFor(Request.class);
    private static final ObjectReader REPLIES = MAPPER.readerFor(Reply.class);
    private static final ObjectWriter REPLY_WRITER = MAPPER.writerFor(Reply.class);

    private Wire() {
    }

    /** Thrown for a line that is not a request or reply this side knows; the message is Jackson's first line. */
    public static final class Malformed extends IOException {
        Malformed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static byte[] line(Request<?> request) {
        return line(REQUEST_WRITER, request);
    }

    public static byte[] line(Reply reply) {
        return line(REPLY_WRITER, reply);
    }

    public static Request<?> readRequest(byte[] line) throws Malformed {
        return read(REQUESTS, line, "request");
    }

    public static Reply readReply(byte[] line) throws Malformed {
        return read(REPLIES, line, "reply");
    }

    /** The operation's name on the wire ({@code hub-status}, …). */
    static String op(Class<?> type) {
        return Arrays.stream(Request.class.getAnnotation(JsonSubTypes.class).value())
                .filter(t -> t.value() == type).findFirst().map(JsonSubTypes.Type::name)
                .orElseThrow(() -> new IllegalStateException(type + " is not a request on the wire"));
    }

    private static byte[] line(ObjectWriter writer, Object value) {
        try {
            byte[] json = writer.writeValueAsBytes(value);
            byte[] line = Arrays.copyOf(json, json.length + 1);
            line[json.length] = '\n';
            return line;
        } catch (JsonProcessingException e) {
            // records of plain values always serialize; this is a bug in a record, not an input
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(ObjectReader reader, byte[] line, String what) throws Malformed {
        try {
            T value = reader.readValue(line);
            if (value == null) {
                throw new Malformed("an empty " + what, null);
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new Malformed("not a " + what + " this runtime knows: " + firstLine(e.getOriginalMessage())
                    + " in " + preview(line), e);
        } catch (IOException e) {
            throw new Malformed("unreadable " + what + ": " + e.getMessage(), e);
        }
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    private static String preview(byte[] line) {
        String text = new String(line, StandardCharsets.UTF_8).strip();
        return text.length() <= 120 ? "'" + text + "'" : "'" + text.substring(0, 119) + "…'";
    }

    /** The reply kinds' names on the wire; a mix-in, so the records themselves carry no framing. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "reply")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = Reply.Done.class, name = "done"),
            @JsonSubTypes.Type(value = Reply.End.class, name = "end"),
            @JsonSubTypes.Type(value = Failure.class, name = "error"),
            @JsonSubTypes.Type(value = Reply.Applied.class, name = "applied"),
            @JsonSubTypes.Type(value = Reply.Deployment.class, name = "deployment"),
            @JsonSubTypes.Type(value = Reply.Modules.class, name = "modules"),
            @JsonSubTypes.Type(value = Reply.ImagesLoaded.class, name = "images"),
            @JsonSubTypes.Type(value = Reply.CheckReport.class, name = "checks"),
            @JsonSubTypes.Type(value = Reply.HubReport.class, name = "hub-status"),
            @JsonSubTypes.Type(value = Reply.IdentityReply.class, name = "identity"),
            @JsonSubTypes.Type(value = Reply.IdentityList.class, name = "identities"),
            @JsonSubTypes.Type(value = Reply.CaCertificate.class, name = "ca"),
            @JsonSubTypes.Type(value = Reply.UpstreamReply.class, name = "upstream"),
            @JsonSubTypes.Type(value = Reply.ProvisioningReply.class, name = "provisioning"),
            @JsonSubTypes.Type(value = MethodResult.class, name = "method-result"),
            @JsonSubTypes.Type(value = LogLine.class, name = "log"),
            @JsonSubTypes.Type(value = ModuleMessage.class, name = "message"),
    })
    private interface ReplyKinds {
    }
}
