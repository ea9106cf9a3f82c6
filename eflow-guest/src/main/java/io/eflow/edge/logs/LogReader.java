package io.eflow.edge.logs;

import io.eflow.edge.logs.LogFiles.Segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Reads one module's log folder as one sequence of lines, across its rotated files, oldest first.
 *
 * <p>{@code tail} reads the files backwards in blocks, so only about as much as the lines asked for is read.
 * {@code follow} then polls the newest file every {@value #POLL_MILLIS} ms; when the writer rotates it, the
 * follower finishes the file it holds open (it may since have been renamed) and goes on with the files that came
 * after it, so every line is emitted once and in order, as long as the writer does not rotate through every file
 * of the cap between two polls.
 *
 * <p>Since lines are stored in the order they were written and stamped at writing, a {@code tail} read stops at
 * the first line older than {@code since}; only a clock stepped backwards can make that differ from filtering.
 */
public final class LogReader {
    static final long POLL_MILLIS = 100;
    private static final int BLOCK = 64 * 1024;
    /** Far more than any stored line (16 KiB of text, UTF-8 replacement included, plus the prefix). */
    private static final int MAX_RECORD = 1 << 20;
    private static final byte[] EMPTY = new byte[0];

    private final Path dir;

    /** @param dir a module's log folder, e.g. {@code /logs/<module>} */
    public LogReader(Path dir) {
        this.dir = dir;
    }

    /** {@link #read(Query, Consumer, BooleanSupplier)} that, following, stops only when interrupted or removed. */
    public void read(Query query, Consumer<LogLine> out) throws IOException {
        read(query, out, () -> true);
    }

    /**
     * Emits the lines {@code query} asks for to {@code out}, on the calling thread. With {@code follow} it keeps
     * going until {@code keepGoing} says false, the thread is interrupted, {@code out} throws, or the folder is
     * removed; it returns normally in all cases but the exception.
     *
     * @throws NoSuchFileException when the folder does not exist
     */
    public void read(Query query, Consumer<LogLine> out, BooleanSupplier keepGoing) throws IOException {
        Objects.requireNonNull(out, "out");
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such log folder");
        }
        List<Segment> files = new ArrayList<>(LogFiles.open(dir));
        Deque<Segment> queue = new ArrayDeque<>();
        try {
            long position = 0;
            long limit = files.isEmpty() ? 0 : files.get(files.size() - 1).channel().size();
            if (query.tail() >= 0) {
                if (!files.isEmpty()) {
                    limit = lineEnd(files.get(files.size() - 1).channel(), limit);
                    tail(files, limit, query, out);
                    if (!query.follow()) {
                        return;
                    }
                    queue.add(files.remove(files.size() - 1));
                    position = limit;
                } else if (!query.follow()) {
                    return;
                }
                LogFiles.closeAll(files);
                files.clear();
            } else {
                queue.addAll(files);
                files.clear();
            }
            new Forward(query, out, keepGoing, query.follow() ? Long.MAX_VALUE : limit).run(queue, position);
        } catch (ClosedByInterruptException e) {
            // Interrupted inside a read rather than a pause: the same request to stop, and the thread stays
            // interrupted (the channel sets its flag).
        } finally {
            LogFiles.closeAll(files);
            LogFiles.closeAll(queue);
        }
    }

    /** Emits the last {@code query.tail()} lines that pass the filters, reading the newest file from {@code end}. */
    private static void tail(List<Segment> files, long end, Query query, Consumer<LogLine> out) throws IOException {
        int wanted = query.tail();
        Deque<LogLine> lines = new ArrayDeque<>();
        Instant since = query.since().orElse(null);
        Predicate<LogLine> collect = line -> {
            if (since != null && line.time().isBefore(since)) {
                return false;
            }
            if (query.accepts(line)) {
                lines.addFirst(line);
            }
            return lines.size() < wanted;
        };
        for (int i = files.size() - 1; i >= 0 && wanted > 0; i--) {
            FileChannel channel = files.get(i).channel();
            if (!backwards(channel, i == files.size() - 1 ? end : channel.size(), collect)) {
                break;
            }
        }
        lines.forEach(out);
    }

    /** Hands {@code channel}'s lines in {@code [0, end)} to {@code each}, last first, while it returns true. */
    private static boolean backwards(FileChannel channel, long end, Predicate<LogLine> each) throws IOException {
        long position = end;
        byte[] carry = EMPTY; // the end of a line that starts before position
        boolean skipping = false; // inside a "line" too long to be one of ours
        while (position > 0) {
            int n = (int) Math.min(BLOCK, position);
            position -= n;
            byte[] data = new byte[n + carry.length];
            readFully(channel, position, data, n);
            System.arraycopy(carry, 0, data, n, carry.length);
            int lineEnd = data.length;
            for (int i = data.length - 1; i >= 0; i--) {
                if (data[i] == '\n') {
                    if (skipping) {
                        skipping = false;
                    } else if (!emit(data, i + 1, lineEnd, each)) {
                        return false;
                    }
                    lineEnd = i;
                }
            }
            if (lineEnd > MAX_RECORD) {
                carry = EMPTY;
                skipping = true;
            } else {
                carry = Arrays.copyOf(data, lineEnd);
            }
        }
        return skipping || emit(carry, 0, carry.length, each);
    }

    private static boolean emit(byte[] data, int from, int to, Predicate<LogLine> each) {
        if (from == to) {
            return true;
        }
        LogLine line = LineFormat.parse(data, from, to);
        return line == null || each.test(line);
    }

    /** Just after the last newline before {@code size}: where the complete lines end. */
    private static long lineEnd(FileChannel channel, long size) throws IOException {
        long position = size;
        byte[] block = new byte[4096];
        while (position > 0) {
            int n = (int) Math.min(block.length, position);
            position -= n;
            readFully(channel, position, block, n);
            for (int i = n - 1; i >= 0; i--) {
                if (block[i] == '\n') {
                    return position + i + 1;
                }
            }
        }
        return 0;
    }

    private static void readFully(FileChannel channel, long position, byte[] into, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(into, 0, length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("a log file shrank while being read");
            }
        }
    }

    /** Reads forward through the queued files, then (when following) through whatever the writer adds. */
    private final class Forward {
        private final Query query;
        private final Consumer<LogLine> out;
        private final BooleanSupplier keepGoing;
        private final long limit;
        private final ByteBuffer buffer = ByteBuffer.allocate(BLOCK);
        private byte[] carry = new byte[256];
        private int carried;
        private boolean skipping;

        /** @param limit where to stop in the newest file (a read without follow shows the log as it was) */
        Forward(Query query, Consumer<LogLine> out, BooleanSupplier keepGoing, long limit) {
            this.query = query;
            this.out = out;
            this.keepGoing = keepGoing;
            this.limit = limit;
        }

        void run(Deque<Segment> queue, long start) throws IOException {
            long position = start;
            Path current = dir.resolve(ModuleLog.CURRENT);
            while (keepGoing.getAsBoolean() && !Thread.currentThread().isInterrupted()) {
                Segment head = queue.peekFirst();
                if (head == null) {
                    // Following a folder without files yet: whatever appears is new.
                    if (!query.follow() || !Files.isDirectory(dir)) {
                        return;
                    }
                    queue.addAll(LogFiles.open(dir));
                    position = 0;
                    if (queue.isEmpty() && !pause()) {
                        return;
                    }
                    continue;
                }
                boolean last = queue.size() == 1;
                buffer.clear();
                if (last && position >= limit) {
                    buffer.limit(0);
                } else if (last && limit - position < BLOCK) {
                    buffer.limit((int) (limit - position));
                }
                int n = buffer.hasRemaining() ? head.channel().read(buffer, position) : 0;
                if (n > 0) {
                    position += n;
                    lines(buffer.array(), n);
                    continue;
                }
                if (!last) {
                    // A file that has been rotated is complete: a line it ends without a newline ends here.
                    endLine();
                    queue.removeFirst().close();
                    position = 0;
                    continue;
                }
                if (!query.follow()) {
                    return;
                }
                if (LogFiles.sameFile(current, head.key())) {
                    if (!pause()) {
                        return;
                    }
                    continue;
                }
                if (!Files.isDirectory(dir)) {
                    return; // the module's logs were removed
                }
                List<Segment> now = LogFiles.open(dir);
                int at = -1;
                for (int i = 0; i < now.size(); i++) {
                    if (now.get(i).key().equals(head.key())) {
                        at = i;
                    }
                }
                // What came after the file held open; everything there is, if it has been rotated away meanwhile.
                queue.addAll(now.subList(at + 1, now.size()));
                LogFiles.closeAll(now.subList(0, at + 1));
                if (at == now.size() - 1) {
                    // Between two steps of a rotation (or the folder is being emptied): look again shortly.
                    if (!pause(now.isEmpty() ? POLL_MILLIS : 5)) {
                        return;
                    }
                }
            }
        }

        private void lines(byte[] data, int length) {
            int start = 0;
            for (int i = 0; i < length; i++) {
                if (data[i] != '\n') {
                    continue;
                }
                if (skipping) {
                    skipping = false;
                } else if (carried > 0) {
                    append(data, start, i);
                    if (!skipping) {
                        accept(carry, 0, carried);
                    }
                    skipping = false;
                } else {
                    accept(data, start, i);
                }
                carried = 0;
                start = i + 1;
            }
            if (!skipping) {
                append(data, start, length);
            }
        }

        private void append(byte[] data, int from, int to) {
            int n = to - from;
            if (carried + n > MAX_RECORD) {
                carried = 0;
                skipping = true;
                return;
            }
            if (carried + n > carry.length) {
                carry = Arrays.copyOf(carry, Math.max(carry.length * 2, carried + n));
            }
            System.arraycopy(data, from, carry, carried, n);
            carried += n;
        }

        private void endLine() {
            if (carried > 0 && !skipping) {
                accept(carry, 0, carried);
            }
            carried = 0;
            skipping = false;
        }

        private void accept(byte[] data, int from, int to) {
            if (from == to) {
                return;
            }
            LogLine line = LineFormat.parse(data, from, to);
            if (line != null && query.accepts(line)) {
                out.accept(line);
            }
        }

        private boolean pause() {
            return pause(POLL_MILLIS);
        }

        private boolean pause(long millis) {
            try {
                Thread.sleep(millis);
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
