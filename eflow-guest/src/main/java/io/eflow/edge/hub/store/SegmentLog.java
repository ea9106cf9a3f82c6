package io.eflow.edge.hub.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.WARNING;
import static java.nio.file.StandardOpenOption.READ;

/**
 * The shared log every message is appended to once, whatever its destinations: segment files in one folder. The
 * log writer appends and syncs; consumers read at any written position; spent segments are deleted from the front.
 */
final class SegmentLog implements Closeable {
    private static final System.Logger LOG = System.getLogger(SegmentLog.class.getName());
    /** Records of a batch are copied into one buffer so a batch costs one write, not one per message. */
    private static final int STAGING_BYTES = 1 << 20;

    private final Path directory;
    private final long segmentBytes;
    private final ConcurrentSkipListMap<Long, Segment> segments;
    private volatile Segment active;
    private final ByteBuffer staging = ByteBuffer.allocateDirect(STAGING_BYTES);
    /** The writer syncs a full segment, the syncer the active one. */
    private final AtomicLong syncs = new AtomicLong();

    private SegmentLog(Path directory, long segmentBytes, ConcurrentSkipListMap<Long, Segment> segments) {
        this.directory = directory;
        this.segmentBytes = segmentBytes;
        this.segments = segments;
        this.active = segments.lastEntry().getValue();
    }

    /**
     * Opens the segments in {@code directory}, handing every readable record to {@code visitor} in log order. A
     * partial or damaged record with nothing readable after it at the end of the last segment is what a crash leaves
     * of a write that was never synced, so never acknowledged: it is cut off. Segments wholly below {@code start} (spent, their deletion lost
     * in a crash) are deleted. New records start at {@code floor} or later, so they come after every saved cursor.
     */
    static SegmentLog open(Path directory, long segmentBytes, long start, long floor, Segment.RecordVisitor visitor)
            throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(directory)) {
            files = list.filter(Segment::isSegment).sorted().toList();
        }
        ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
        for (int i = 0; i < files.size(); i++) {
            boolean last = i == files.size() - 1;
            Segment segment = Segment.open(files.get(i));
            if (!last && segment.end() <= start) {
                segment.delete();
                continue;
            }
            Segment.Scan scan = segment.scan(visitor);
            long valid = scan.validEnd();
            if (scan.damaged() > 0) {
                LOG.log(ERROR, "{0}: {1} damaged records skipped, their messages cannot be delivered (the disk lost "
                        + "data that was synced)", segment.file(), scan.damaged());
            }
            if (valid < segment.size()) {
                if (last) {
                    LOG.log(WARNING, "{0}: cutting off {1} bytes at offset {2}: a write that a crash interrupted "
                            + "before it was synced, so never acknowledged", segment.file(), segment.size() - valid, valid);
                    segment.truncate(valid);
                } else {
                    LOG.log(ERROR, "{0}: {1} bytes from offset {2} are damaged and cannot be delivered "
                            + "(the disk lost data that was synced)", segment.file(), segment.size() - valid, valid);
                }
            }
            segments.put(segment.base(), segment);
        }
        long end = segments.isEmpty() ? 0 : segments.lastEntry().getValue().end();
        if (segments.isEmpty() || end < floor) {
            Segment fresh = Segment.create(directory, Math.max(end, floor));
            syncDirectory(directory);
            segments.put(fresh.base(), fresh);
        }
        return new SegmentLog(directory, segmentBytes, segments);
    }

    /**
     * Writes the records after the end of the log, starting a new segment whenever one would pass the segment size
     * (the full one is synced first), and returns each record's position. The records are in the page cache, readable
     * by {@link #read}, but durable only after {@link #sync}. Only the log writer calls this.
     */
    long[] write(List<ByteBuffer> records) throws IOException {
        long[] positions = new long[records.size()];
        Segment segment = active;
        long next = segment.end();
        staging.clear();
        for (int i = 0; i < positions.length; i++) {
            ByteBuffer record = records.get(i).duplicate();
            if (next > segment.base() && next - segment.base() + record.remaining() > segmentBytes) {
                flush(segment);
                sync(segment);
                segment = roll(segment);
                next = segment.base();
            }
            positions[i] = next;
            next += record.remaining();
            if (record.remaining() > staging.remaining()) {
                flush(segment);
            }
            if (record.remaining() > staging.capacity()) {
                segment.write(record);
            } else {
                staging.put(record);
            }
        }
        flush(segment);
        return positions;
    }

    /**
     * Cuts the active segment's file back to its last whole write, after a write the disk had no room for: its torn
     * bytes would otherwise stay past a shorter record written over them, and read as damage once the segment is
     * no longer the last.
     */
    void discardTornTail() throws IOException {
        active.truncate(active.size());
    }

    Path directory() {
        return directory;
    }

    /**
     * Makes everything written before the call durable; the log syncer calls it while the writer goes on. Older
     * segments were synced when they filled, before {@link #active} moved on, so syncing the active one suffices.
     */
    void sync() throws IOException {
        sync(active);
    }

    private void flush(Segment segment) throws IOException {
        staging.flip();
        segment.write(staging);
        staging.clear();
    }

    private void sync(Segment segment) throws IOException {
        segment.force();
        syncs.incrementAndGet();
    }

    /** The old segment is synced before the new one exists, so only the last segment can ever end in a torn write. */
    private Segment roll(Segment full) throws IOException {
        Segment next = Segment.create(directory, full.end());
        syncDirectory(directory);
        segments.put(next.base(), next);
        active = next;
        return next;
    }

    /** A new file's name is durable only once its folder is synced. */
    private static void syncDirectory(Path directory) throws IOException {
        try (FileChannel dir = FileChannel.open(directory, READ)) {
            dir.force(true);
        }
    }

    /** The record at {@code position}; the caller knows one was written there (synced or not: the page cache has it). */
    LogEntry read(long position, boolean withPayload) throws IOException {
        Map.Entry<Long, Segment> entry = segments.floorEntry(position);
        if (entry == null) {
            throw new CorruptRecordException("no segment holds position " + position);
        }
        return entry.getValue().read(position - entry.getKey(), withPayload);
    }

    /** Deletes the segments that end at or before {@code position} (never the one being written); returns their bytes. */
    long deleteBelow(long position) throws IOException {
        long freed = 0;
        for (Segment segment : segments.values()) {
            if (segment == active || segment.end() > position) {
                break;
            }
            segments.remove(segment.base());
            freed += segment.size();
            segment.delete();
        }
        return freed;
    }

    /** The position after the last byte written. */
    long end() {
        return active.end();
    }

    long bytes() {
        return segments.values().stream().mapToLong(Segment::size).sum();
    }

    int segmentCount() {
        return segments.size();
    }

    /** Syncs so far. */
    long syncs() {
        return syncs.get();
    }

    @Override
    public void close() throws IOException {
        for (Segment segment : segments.values()) {
            segment.close();
        }
    }
}
