package io.eflow.edge.hub.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static io.eflow.edge.hub.store.Messages.append;
import static io.eflow.edge.hub.store.Messages.drain;
import static io.eflow.edge.hub.store.Messages.range;
import static java.nio.file.StandardOpenOption.APPEND;
import static org.assertj.core.api.Assertions.assertThat;

class RecoveryTest {
    private static final Destination UPSTREAM = Destination.of("$upstream");
    private static final Destination FILTER = Destination.of("filter/inputs/input1");

    @TempDir
    Path dir;

    private LogMessageStore open() throws IOException {
        return LogMessageStore.open(StoreConfig.in(dir).withMaxBytes(1 << 20, 16 << 10));
    }

    /** Ten messages in one segment; returns the positions of their records. */
    private List<Long> tenMessages() throws IOException {
        List<Long> positions = new ArrayList<>();
        try (LogMessageStore store = open()) {
            for (int id = 0; id < 10; id++) {
                positions.add(store.append(Messages.message(id), List.of(UPSTREAM)).join());
            }
        }
        return positions;
    }

    @Test
    void aTornLastRecordIsCutOffAndAppendingGoesOn() throws Exception {
        tenMessages();
        Path segment = last();
        long size = Files.size(segment);
        ByteBuffer record = RecordCodec.encode(0, "sensor", List.of(new LogEntry.Route("$upstream", Long.MAX_VALUE)),
                Messages.payload(10));
        Files.write(segment, Arrays.copyOf(record.array(), 100), APPEND);

        try (LogMessageStore store = open()) {
            assertThat(Files.size(segment)).isEqualTo(size);
            append(store, 11, 12, UPSTREAM);
        }
        try (LogMessageStore store = open()) {
            List<Integer> expected = range(0, 10);
            expected.add(11);
            assertThat(drain(store.queue("$upstream"))).isEqualTo(expected);
        }
    }

    @Test
    void aLastRecordThatFailsItsChecksumIsCutOff() throws Exception {
        List<Long> positions = tenMessages();
        flipByte(last(), positions.get(9) + 100);
        try (LogMessageStore store = open()) {
            assertThat(Files.size(last())).isEqualTo(positions.get(9));
            assertThat(drain(store.queue("$upstream"))).isEqualTo(range(0, 9));
        }
    }

    @Test
    void zerosAfterTheLastRecordAreCutOff() throws Exception {
        tenMessages();
        long size = Files.size(last());
        Files.write(last(), new byte[4096], APPEND);
        try (LogMessageStore store = open()) {
            assertThat(Files.size(last())).isEqualTo(size);
            assertThat(drain(store.queue("$upstream"))).isEqualTo(range(0, 10));
        }
    }

    @Test
    void aLengthRunningPastTheFileIsCutOff() throws Exception {
        tenMessages();
        long size = Files.size(last());
        Files.write(last(), ByteBuffer.allocate(12).putInt(1 << 20).putInt(0).putInt(0).array(), APPEND);
        try (LogMessageStore store = open()) {
            assertThat(Files.size(last())).isEqualTo(size);
            assertThat(drain(store.queue("$upstream"))).isEqualTo(range(0, 10));
        }
    }

    @Test
    void aDamagedRecordInAnOlderSegmentCostsOnlyThatRecord() throws Exception {
        List<Long> positions = new ArrayList<>();
        try (LogMessageStore store = open()) {
            for (int id = 0; id < 150; id++) {
                positions.add(store.append(Messages.message(id), List.of(UPSTREAM)).join());
            }
        }
        List<Path> segments = segments();
        assertThat(segments.size()).isGreaterThanOrEqualTo(3);
        long size = Files.size(segments.get(0));
        flipByte(segments.get(0), positions.get(20) + 50);

        try (LogMessageStore store = open()) {
            assertThat(Files.size(segments.get(0))).isEqualTo(size);
            List<Integer> expected = range(0, 150);
            expected.remove(Integer.valueOf(20));
            assertThat(drain(store.queue("$upstream"))).isEqualTo(expected);
        }
    }

    @Test
    void aDamagedRecordWithGoodOnesAfterItIsNotMistakenForATornEnd() throws Exception {
        List<Long> positions = tenMessages();
        long size = Files.size(last());
        flipByte(last(), positions.get(4) + 100);
        try (LogMessageStore store = open()) {
            assertThat(Files.size(last())).isEqualTo(size);
            List<Integer> expected = range(0, 10);
            expected.remove(Integer.valueOf(4));
            assertThat(drain(store.queue("$upstream"))).isEqualTo(expected);
        }
    }

    @Test
    void aDamagedLengthEndsTheSegmentThere() throws Exception {
        List<Long> positions = tenMessages();
        flipByte(last(), positions.get(6) + 1);
        try (LogMessageStore store = open()) {
            assertThat(Files.size(last())).isEqualTo(positions.get(6));
            assertThat(drain(store.queue("$upstream"))).isEqualTo(range(0, 6));
        }
    }

    @Test
    void aRecordDamagedWhileQueuedIsDroppedAndCounted() throws Exception {
        // past what the queue keeps in memory of the latest appends, so the damaged one is read back from the disk
        int count = (int) (LogEndpointQueue.RECENT_BYTES / Messages.payload(0).length) + 10;
        int damaged = count - 5;
        List<Long> positions = new ArrayList<>();
        try (LogMessageStore store = open()) {
            for (int id = 0; id < count; id++) {
                positions.add(store.append(Messages.message(id), List.of(UPSTREAM)).join());
            }
            Path segment = last();
            long base = Long.parseLong(segment.getFileName().toString().replace(".log", ""));
            flipByte(segment, positions.get(damaged) - base + 100);
            List<Integer> expected = range(0, count);
            expected.remove(Integer.valueOf(damaged));
            assertThat(drain(store.queue("$upstream"))).isEqualTo(expected);
            assertThat(store.metrics().endpoints().get("$upstream").unreadable()).isEqualTo(1);
        }
    }

    @Test
    void anUnreadableCursorFileMeansEverythingStoredIsDeliveredAgain() throws Exception {
        try (LogMessageStore store = open()) {
            append(store, 0, 10, UPSTREAM, FILTER);
            drain(store.queue("$upstream"));
        }
        Files.writeString(dir.resolve(Checkpoint.FILE), "{\"version\":1,\"start\":");
        try (LogMessageStore store = open()) {
            assertThat(drain(store.queue("$upstream"))).isEqualTo(range(0, 10));
            assertThat(drain(store.queue("filter/inputs/input1"))).isEqualTo(range(0, 10));
        }
    }

    @Test
    void aLeftoverTemporaryCursorFileIsIgnored() throws Exception {
        try (LogMessageStore store = open()) {
            append(store, 0, 10, UPSTREAM);
            drain(store.queue("$upstream"));
            append(store, 10, 12, UPSTREAM);
        }
        Files.writeString(dir.resolve(Checkpoint.FILE + ".tmp"), "{\"version\":1,\"sta");
        try (LogMessageStore store = open()) {
            assertThat(drain(store.queue("$upstream"))).containsExactly(10, 11);
        }
        assertThat(dir.resolve(Checkpoint.FILE + ".tmp")).doesNotExist();
    }

    @Test
    void positionsAreSavedByCheckpointsWhileOpenNotOnlyAtClose() throws Exception {
        try (LogMessageStore store = LogMessageStore.open(StoreConfig.in(dir).withCheckpointInterval(Duration.ofMillis(20)))) {
            append(store, 0, 10, UPSTREAM);
            drain(store.queue("$upstream"));
            Thread.sleep(200);
            Checkpoint saved = Checkpoint.read(dir);
            assertThat(saved.cursors()).containsKey("$upstream");
            assertThat(saved.cursorOf("$upstream")).isEqualTo(Files.size(last()));
        }
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x5a);
        }
    }

    private Path last() throws IOException {
        List<Path> segments = segments();
        return segments.get(segments.size() - 1);
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Segment::isSegment).sorted().toList();
        }
    }
}
