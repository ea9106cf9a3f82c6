package io.eflow.edge.hub.store;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * One file of the log, {@code <base>.log} with {@code base} the log position of its first byte in 20 digits: a
 * record's position (its sequence number) is {@code base + offset in the file}. Records only; no file header, so a
 * segment's size is exactly the bytes of its records. Written by the log writer only; read by anyone.
 */
final class Segment implements Closeable {
    private static final Pattern NAME = Pattern.compile("(\\d{20})\\.log");
    /** Most messages fit in one read of this many bytes; larger ones take a second read. */
    private static final int READ_AHEAD = 2048;
    private static final int SCAN_CHUNK = 1 << 20;

    private final long base;
    private final Path file;
    private final FileChannel channel;
    private volatile long size;

    private Segment(long base, Path file, FileChannel channel, long size) {
        this.base = base;
        this.file = file;
        this.channel = channel;
        this.size = size;
    }

    static Segment create(Path directory, long base) throws IOException {
        Path file = directory.resolve(String.format("%020d.log", base));
        return new Segment(base, file, FileChannel.open(file, CREATE_NEW, READ, WRITE), 0);
    }

    static Segment open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, READ, WRITE);
        return new Segment(baseOf(file), file, channel, channel.size());
    }

    static boolean isSegment(Path file) {
        return NAME.matcher(file.getFileName().toString()).matches();
    }

    static long baseOf(Path file) {
        var m = NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a segment file: " + file);
        }
        return Long.parseLong(m.group(1));
    }

    long base() {
        return base;
    }

    long size() {
        return size;
    }

    /** The log position just past this segment's last byte. */
    long end() {
        return base + size;
    }

    Path file() {
        return file;
    }

    /** Appends the buffer's remaining bytes at the end of the file. */
    void write(ByteBuffer bytes) throws IOException {
        long at = size;
        while (bytes.hasRemaining()) {
            at += channel.write(bytes, at);
        }
        size = at;
    }

    /** {@code fdatasync}: the data and the file size, which is all a reader after a crash needs. */
    void force() throws IOException {
        channel.force(false);
    }

    void truncate(long newSize) throws IOException {
        channel.truncate(newSize);
        channel.force(true);
        size = newSize;
    }

    /** The record at {@code offset}, checksum checked. */
    LogEntry read(long offset, boolean withPayload) throws IOException {
        long available = size - offset;
        if (offset < 0 || available < RecordCodec.HEADER_BYTES) {
            throw new CorruptRecordException("no record at " + (base + offset) + " in " + file.getFileName());
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(READ_AHEAD, available));
        readFully(buffer, offset);
        int length = RecordCodec.bodyLength(buffer.getInt(0), available - RecordCodec.HEADER_BYTES);
        if (length < 0) {
            throw new CorruptRecordException("bad record length at " + (base + offset) + " in " + file.getFileName());
        }
        int total = RecordCodec.HEADER_BYTES + length;
        if (total > buffer.capacity()) {
            ByteBuffer whole = ByteBuffer.allocate(total).put(buffer.flip());
            readFully(whole, offset + buffer.limit());
            buffer = whole;
        }
        int crc = buffer.getInt(4);
        ByteBuffer body = buffer.position(RecordCodec.HEADER_BYTES).limit(total).slice();
        RecordCodec.verify(body, crc);
        return RecordCodec.decode(body, withPayload);
    }

    /** What a scan found: where the readable records end, and how many damaged ones it stepped over. */
    record Scan(long validEnd, int damaged) {
    }

    /**
     * Reads the records from the start of the file, handing each whole one with a matching checksum to the visitor.
     * A record that fails its checksum but is followed by a good record was damaged on the disk, not torn by a crash
     * (a torn write has nothing good after it): it is stepped over and counted. Otherwise the scan ends there; its
     * {@code validEnd} is the file's size when every byte is a record.
     */
    Scan scan(RecordVisitor visitor) throws IOException {
        long fileSize = channel.size();
        ByteBuffer window = ByteBuffer.allocate((int) Math.min(SCAN_CHUNK, Math.max(fileSize, 1)));
        long windowStart = 0;
        window.limit(0);
        int damaged = 0;
        while (true) {
            long offset = windowStart + window.position();
            long available = fileSize - offset - RecordCodec.HEADER_BYTES;
            if (available < 0) {
                return new Scan(offset, damaged);
            }
            if (window.remaining() < RecordCodec.HEADER_BYTES) {
                window = fill(window, offset, RecordCodec.HEADER_BYTES, fileSize);
                windowStart = offset;
            }
            int length = RecordCodec.bodyLength(window.getInt(window.position()), available);
            if (length < 0) {
                return new Scan(offset, damaged);
            }
            if (window.remaining() < RecordCodec.HEADER_BYTES + length) {
                window = fill(window, offset, RecordCodec.HEADER_BYTES + length, fileSize);
                windowStart = offset;
            }
            int crc = window.getInt(window.position() + 4);
            int bodyStart = window.position() + RecordCodec.HEADER_BYTES;
            ByteBuffer body = window.duplicate().position(bodyStart).limit(bodyStart + length).slice();
            LogEntry entry;
            try {
                RecordCodec.verify(body, crc);
                entry = RecordCodec.decode(body, false);
            } catch (CorruptRecordException e) {
                long next = offset + RecordCodec.HEADER_BYTES + length;
                if (next >= fileSize || !readable(next)) {
                    return new Scan(offset, damaged);
                }
                damaged++;
                window.position(bodyStart + length);
                continue;
            }
            visitor.visit(base + offset, entry);
            window.position(bodyStart + length);
        }
    }

    private boolean readable(long offset) throws IOException {
        try {
            read(offset, false);
            return true;
        } catch (CorruptRecordException e) {
            return false;
        }
    }

    /** Refills the scan window from {@code offset} with at least {@code need} bytes (the caller checked they exist). */
    private ByteBuffer fill(ByteBuffer window, long offset, int need, long fileSize) throws IOException {
        ByteBuffer next = need > window.capacity() ? ByteBuffer.allocate(need) : window.clear();
        next.limit((int) Math.min(next.capacity(), fileSize - offset));
        readFully(next, offset);
        return next.flip();
    }

    private void readFully(ByteBuffer buffer, long offset) throws IOException {
        long at = offset;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new EOFException("unexpected end of " + file.getFileName() + " at " + at);
            }
            at += n;
        }
    }

    void delete() throws IOException {
        close();
        Files.deleteIfExists(file);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** What a scan hands each record to. */
    @FunctionalInterface
    interface RecordVisitor {
        void visit(long sequence, LogEntry entry);
    }
}
