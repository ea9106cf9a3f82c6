package io.eflow.edge.hub.store;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * One message as it sits in a segment, big-endian:
 *
 * <pre>
 * int    length            bytes of the body that follows
 * int    crc32c            of the body
 * body:
 *   byte   version         1
 *   long   enqueuedAt      epoch millis
 *   short  sourceLength, byte[] source (UTF-8)
 *   short  routeCount, then per route: short endpointLength, byte[] endpoint (UTF-8), long expiresAt (epoch millis)
 *   int    payloadLength, byte[] payload
 * </pre>
 *
 * A zeroed header (what a crash can leave after a file's last write) has length 0, below the smallest body, so it
 * reads as the end of the log, as does any length that runs past the file or a body whose checksum fails with
 * nothing readable after it.
 */
final class RecordCodec {
    static final int HEADER_BYTES = 8;
    static final int MAX_NAME_BYTES = 1024;
    /** The route count is an unsigned short. */
    static final int MAX_ROUTES = 0xFFFF;
    private static final byte VERSION = 1;
    private static final int MIN_BODY_BYTES = 1 + 8 + 2 + 2 + 4;

    private RecordCodec() {
    }

    static int utf8Length(String s) {
        return s.getBytes(UTF_8).length;
    }

    /** The whole record, header included, ready to write. */
    static ByteBuffer encode(long enqueuedAtMillis, String source, List<LogEntry.Route> routes, byte[] payload) {
        byte[] sourceBytes = source.getBytes(UTF_8);
        List<byte[]> endpoints = new ArrayList<>(routes.size());
        int bodyBytes = MIN_BODY_BYTES + sourceBytes.length + payload.length;
        for (LogEntry.Route route : routes) {
            byte[] name = route.endpoint().getBytes(UTF_8);
            endpoints.add(name);
            bodyBytes += 2 + name.length + 8;
        }
        ByteBuffer record = ByteBuffer.allocate(HEADER_BYTES + bodyBytes);
        record.putInt(bodyBytes).putInt(0);
        record.put(VERSION).putLong(enqueuedAtMillis);
        record.putShort((short) sourceBytes.length).put(sourceBytes);
        record.putShort((short) routes.size());
        for (int i = 0; i < routes.size(); i++) {
            record.putShort((short) endpoints.get(i).length).put(endpoints.get(i)).putLong(routes.get(i).expiresAtMillis());
        }
        record.putInt(payload.length).put(payload);
        record.putInt(4, crc(record.array(), HEADER_BYTES, bodyBytes));
        return record.flip();
    }

    /** The body length a header announces, or -1 when no body of that length can be a record here. */
    static int bodyLength(int announced, long bytesAvailable) {
        return announced < MIN_BODY_BYTES || announced > bytesAvailable ? -1 : announced;
    }

    /** Decodes a body whose checksum was checked by {@link #verify}. */
    static LogEntry decode(ByteBuffer body, boolean withPayload) throws CorruptRecordException {
        try {
            if (body.get() != VERSION) {
                throw new CorruptRecordException("unknown record version");
            }
            long enqueuedAt = body.getLong();
            String source = string(body);
            int count = Short.toUnsignedInt(body.getShort());
            List<LogEntry.Route> routes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                routes.add(new LogEntry.Route(string(body), body.getLong()));
            }
            int payloadLength = body.getInt();
            if (payloadLength != body.remaining()) {
                throw new CorruptRecordException("payload length " + payloadLength + " does not match the record");
            }
            byte[] payload = new byte[withPayload ? payloadLength : 0];
            body.get(payload);
            return new LogEntry(enqueuedAt, source, List.copyOf(routes), payload);
        } catch (BufferUnderflowException e) {
            throw new CorruptRecordException("record shorter than its fields");
        }
    }

    /** Checks a body (the buffer's remaining bytes) against the checksum from its header. */
    static void verify(ByteBuffer body, int expectedCrc) throws CorruptRecordException {
        CRC32C crc = new CRC32C();
        crc.update(body.duplicate());
        if ((int) crc.getValue() != expectedCrc) {
            throw new CorruptRecordException("checksum mismatch");
        }
    }

    private static int crc(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }

    private static String string(ByteBuffer body) {
        byte[] bytes = new byte[Short.toUnsignedInt(body.getShort())];
        body.get(bytes);
        return new String(bytes, UTF_8);
    }
}
