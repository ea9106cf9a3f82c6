package io.eflow.edge.hub.message;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a {@link HubMessage} is kept as bytes: the payload of the message store's records, written by the hub when it
 * accepts a message and read by each endpoint's sender.
 *
 * <p>Version 1, all lengths and counts as unsigned LEB128 varints, strings as a varint byte length and UTF-8:
 * <pre>
 *   byte      version = 1
 *   byte      source: 0 device, 1 module, 2 module through an output, 3 twin change
 *   [string   module id]        sources 1 and 2
 *   [string   output name]      source 2
 *   varint    n, then n × (string name, string value)   system properties
 *   varint    n, then n × (string name, string value)   application properties
 *   varint    length, then length bytes                  body
 * </pre>
 * Messages outlive the runtime that stored them (an update can restart the hub onto a newer one with a full store),
 * so a later format gets a new version byte and decode keeps reading the old ones.
 */
public final class HubMessageCodec {
    public static final int VERSION = 1;

    private static final int DEVICE = 0;
    private static final int MODULE = 1;
    private static final int MODULE_OUTPUT = 2;
    private static final int TWIN_CHANGE = 3;

    private HubMessageCodec() {
    }

    /** A payload that is not a hub message of a version this runtime reads. */
    public static final class MalformedMessageException extends IllegalArgumentException {
        MalformedMessageException(String message) {
            super(message);
        }
    }

    public static byte[] encode(HubMessage message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(message.bodyLength() + 128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            MessageSource source = message.source();
            if (source instanceof MessageSource.Module module) {
                out.writeByte(module.output().isPresent() ? MODULE_OUTPUT : MODULE);
                writeString(out, module.moduleId());
                if (module.output().isPresent()) {
                    writeString(out, module.output().get());
                }
            } else {
                out.writeByte(source instanceof MessageSource.TwinChange ? TWIN_CHANGE : DEVICE);
            }
            writeProperties(out, message.systemProperties());
            writeProperties(out, message.applicationProperties());
            writeVarint(out, message.bodyLength());
            message.bodyStream().transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /** @throws MalformedMessageException for an unknown version, a cut-short or over-long payload, or bad UTF-8 */
    public static HubMessage decode(byte[] payload) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        if (!in.hasRemaining()) {
            throw new MalformedMessageException("hub message is empty: no version byte");
        }
        int version = in.get() & 0xff;
        if (version != VERSION) {
            throw new MalformedMessageException("hub message has format version " + version
                    + "; this runtime reads version " + VERSION + " (was it stored by a newer eflow?)");
        }
        MessageSource source = readSource(in);
        Map<String, String> system = readProperties(in, "system property");
        Map<String, String> application = readProperties(in, "application property");
        int bodyLength = readVarint(in, "body length");
        byte[] body = take(in, bodyLength, "body");
        if (in.hasRemaining()) {
            throw new MalformedMessageException("hub message has " + in.remaining() + " bytes after its body");
        }
        try {
            return new HubMessage(body, system, application, source);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("hub message is not valid: " + e.getMessage());
        }
    }

    private static MessageSource readSource(ByteBuffer in) {
        if (!in.hasRemaining()) {
            throw truncated("source");
        }
        int kind = in.get();
        try {
            return switch (kind) {
                case DEVICE -> MessageSource.device();
                case TWIN_CHANGE -> MessageSource.twinChange();
                case MODULE -> MessageSource.module(readString(in, "module id"));
                case MODULE_OUTPUT -> MessageSource.module(readString(in, "module id"), readString(in, "output name"));
                default -> throw new MalformedMessageException("hub message has an unknown source kind " + kind);
            };
        } catch (MalformedMessageException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("hub message source is not valid: " + e.getMessage());
        }
    }

    private static void writeProperties(DataOutputStream out, Map<String, String> properties) throws IOException {
        writeVarint(out, properties.size());
        for (Map.Entry<String, String> property : properties.entrySet()) {
            writeString(out, property.getKey());
            writeString(out, property.getValue());
        }
    }

    private static Map<String, String> readProperties(ByteBuffer in, String what) {
        int count = readVarint(in, what + " count");
        // each property takes at least two bytes: refuse a count the rest cannot hold before making room for it
        if (count > in.remaining() / 2) {
            throw truncated(count + " " + what + " entries");
        }
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = readString(in, what + " name");
            properties.put(name, readString(in, what + " '" + name + "'"));
        }
        return properties;
    }

    private static void writeString(DataOutputStream out, String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        writeVarint(out, utf8.length);
        out.write(utf8);
    }

    private static String readString(ByteBuffer in, String what) {
        byte[] utf8 = take(in, readVarint(in, what + " length"), what);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedMessageException("hub message " + what + " is not UTF-8");
        }
    }

    private static void writeVarint(DataOutputStream out, int value) throws IOException {
        while ((value & ~0x7f) != 0) {
            out.writeByte((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        out.writeByte(value);
    }

    private static int readVarint(ByteBuffer in, String what) {
        long value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (!in.hasRemaining()) {
                throw truncated(what);
            }
            int b = in.get() & 0xff;
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                if (value > Integer.MAX_VALUE) {
                    break;
                }
                return (int) value;
            }
        }
        throw new MalformedMessageException("hub message " + what + " is not a valid length");
    }

    private static byte[] take(ByteBuffer in, int length, String what) {
        if (length > in.remaining()) {
            throw truncated(what + " (" + length + " bytes, " + in.remaining() + " left)");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static MalformedMessageException truncated(String what) {
        return new MalformedMessageException("hub message is cut short in its " + what);
    }
}
