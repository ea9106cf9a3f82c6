package io.eflow.edge.logs;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The log of one module: its stdout and stderr, and the agent's notes about it, as lines in
 * {@code <root>/<module>/current.log}, rotated to {@code 1.log}, {@code 2.log}, … so that the module never holds
 * more than {@code files} files of about {@code maxFileBytes} each.
 *
 * <p>Each stream given to {@link #attach} is drained by its own daemon thread, so the module never waits on anyone
 * reading its log. Each line is stored as {@code <UTC instant with millis> <stream> <text>}. A line that cannot be
 * written (a full disk, say) is counted in {@link #lostLines()} and the first such failure is logged; the streams
 * keep being drained, so the module keeps running, and writing resumes as soon as the disk allows.
 *
 * <p>Thread-safe. Obtained from {@link ModuleLogs#open}.
 */
public final class ModuleLog implements Closeable {
    private static final System.Logger LOG = System.getLogger(ModuleLog.class.getName());
    /** How long {@link #close()} waits for the streams to end. */
    public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
    static final String CURRENT = "current.log";
    /** The next current.log, created before the others move, so that it never reuses a dropped file's inode. */
    static final String NEXT = "next.log";

    private final String module;
    private final Path dir;
    private final long maxFileBytes;
    private final int files;
    private final Clock clock;
    private final Consumer<ModuleLog> onClose;
    private final List<Thread> pumps = new ArrayList<>();
    private final ByteArrayOutputStream batch = new ByteArrayOutputStream(64 * 1024);
    private final AtomicLong writeErrors = new AtomicLong();
    private final AtomicLong lostLines = new AtomicLong();
    private FileChannel channel;
    private long size;
    private boolean tidied;
    private boolean errorLogged;
    private boolean closed;

    ModuleLog(String module, Path dir, long maxFileBytes, int files, Clock clock, Consumer<ModuleLog> onClose) {
        this.module = module;
        this.dir = dir;
        this.maxFileBytes = maxFileBytes;
        this.files = files;
        this.clock = clock;
        this.onClose = onClose;
        synchronized (this) {
            try {
                ensureOpen();
            } catch (IOException | RuntimeException e) {
                failed(e, 0);
            }
        }
    }

    public String module() {
        return module;
    }

    /** The module's log folder. */
    public Path folder() {
        return dir;
    }

    /**
     * Drains a (re)started module process's stdout and stderr into the log, each on its own daemon thread, until
     * they end. Either may be null (a stream the process does not have, or one merged into the other).
     */
    public void attach(InputStream stdout, InputStream stderr) {
        if (stdout != null) {
            pump(LogLine.STDOUT, stdout);
        }
        if (stderr != null) {
            pump(LogLine.STDERR, stderr);
        }
    }

    /** Drains {@code in} into the log as {@code stream} on a daemon thread of its own, until it ends. */
    public void pump(String stream, InputStream in) {
        checkStream(stream);
        Objects.requireNonNull(in, "in");
        Thread thread = new Thread(new Pump(this, stream, in), "logs " + module + " " + stream);
        thread.setDaemon(true);
        synchronized (pumps) {
            pumps.removeIf(t -> !t.isAlive());
            pumps.add(thread);
        }
        thread.start();
    }

    /** Appends an agent note (e.g. "started, pid 42") as stream {@code agent}; one line per line of {@code text}. */
    public void event(String text) {
        write(LogLine.AGENT, List.of(text.split("\r?\n")));
    }

    /** Waits until every attached stream has ended and is written; false if some had not within the timeout. */
    public boolean awaitDrained(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Thread> running;
        synchronized (pumps) {
            running = new ArrayList<>(pumps);
        }
        try {
            for (Thread thread : running) {
                long left = deadline - System.nanoTime();
                if (left > 0) {
                    TimeUnit.NANOSECONDS.timedJoin(thread, left);
                }
                if (thread.isAlive()) {
                    return false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        synchronized (pumps) {
            pumps.removeAll(running);
        }
        return true;
    }

    /** Writes that failed so far (each may have cost several lines). */
    public long writeErrors() {
        return writeErrors.get();
    }

    /** Lines that could not be written so far. */
    public long lostLines() {
        return lostLines.get();
    }

    /**
     * Waits (up to {@link #DRAIN_TIMEOUT}) for the attached streams to end and be written, then closes the file.
     * Lines arriving later are counted as lost.
     */
    @Override
    public void close() {
        if (!awaitDrained(DRAIN_TIMEOUT)) {
            LOG.log(Level.WARNING, "the output of module {0} has not ended after {1} s; its log is closed anyway",
                    module, DRAIN_TIMEOUT.toSeconds());
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            closeChannel();
        }
        onClose.accept(this);
    }

    /** Appends lines read from {@code stream} at one instant; never throws. */
    synchronized void write(String stream, List<String> lines) {
        if (closed) {
            lostLines.addAndGet(lines.size());
            return;
        }
        int written = 0;
        try {
            ensureOpen();
            byte[] prefix = (LineFormat.timestamp(clock.instant()) + ' ' + stream + ' ')
                    .getBytes(StandardCharsets.UTF_8);
            int pending = 0;
            for (String text : lines) {
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                int length = prefix.length + bytes.length + 1;
                long used = size + batch.size();
                if (used > 0 && used + length > maxFileBytes) {
                    flush();
                    written += pending;
                    pending = 0;
                    rotate();
                }
                batch.write(prefix);
                batch.write(bytes);
                batch.write('\n');
                pending++;
            }
            flush();
        } catch (IOException | RuntimeException e) {
            batch.reset();
            failed(e, lines.size() - written);
        }
    }

    private void failed(Exception e, int lines) {
        writeErrors.incrementAndGet();
        lostLines.addAndGet(lines);
        closeChannel(); // reopened, and its size read again, by the next write
        if (!errorLogged) {
            errorLogged = true;
            LOG.log(Level.WARNING, "cannot write the log of module {0} in {1} ({2}); its lines are dropped and counted"
                    + " until writing works again", module, dir, e.toString());
        }
    }

    private void flush() throws IOException {
        if (batch.size() == 0) {
            return;
        }
        ByteBuffer buffer = ByteBuffer.wrap(batch.toByteArray());
        batch.reset();
        while (buffer.hasRemaining()) {
            size += channel.write(buffer);
        }
    }

    private void ensureOpen() throws IOException {
        if (channel != null) {
            return;
        }
        Files.createDirectories(dir);
        if (!tidied) {
            tidy();
            tidied = true;
        }
        FileChannel opened = FileChannel.open(dir.resolve(CURRENT),
                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long length = opened.size();
            opened.position(length);
            if (length > 0) {
                ByteBuffer last = ByteBuffer.allocate(1);
                opened.read(last, length - 1);
                if (last.get(0) != '\n') {
                    // A line torn by a crash (or a full disk) is ended, so that it does not swallow the next one.
                    ByteBuffer newline = ByteBuffer.wrap(new byte[] {'\n'});
                    while (newline.hasRemaining()) {
                        length += opened.write(newline);
                    }
                }
            }
            size = length;
            channel = opened;
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    /** Before the first write: a rotation cut short is undone, and files beyond the cap are dropped. */
    private void tidy() throws IOException {
        Path next = dir.resolve(NEXT);
        Path current = dir.resolve(CURRENT);
        if (Files.exists(next) && !Files.exists(current)) {
            Files.move(next, current, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.deleteIfExists(next);
        try (Stream<Path> list = Files.list(dir)) {
            for (Path path : (Iterable<Path>) list::iterator) {
                int number = LogFiles.number(path.getFileName().toString());
                if (number >= files) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    /**
     * current.log becomes 1.log, 1.log becomes 2.log, … and the oldest is dropped. Readers rely on the order: the
     * new current.log is created first (so its inode is new), the others move oldest first, and at every moment the
     * names present are in order, oldest to newest.
     */
    private void rotate() throws IOException {
        closeChannel();
        Path next = dir.resolve(NEXT);
        Path current = dir.resolve(CURRENT);
        Files.deleteIfExists(next);
        Files.createFile(next);
        if (files > 1) {
            for (int i = files - 2; i >= 1; i--) {
                Path from = dir.resolve(i + ".log");
                if (Files.exists(from)) {
                    Files.move(from, dir.resolve((i + 1) + ".log"), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            Files.move(current, dir.resolve("1.log"), StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(next, current, StandardCopyOption.ATOMIC_MOVE);
        ensureOpen();
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing the log of module {0}: {1}", module, e.getMessage());
            }
            channel = null;
        }
    }

    static void checkStream(String stream) {
        if (stream.isEmpty() || stream.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("a log stream name is one word, not '" + stream + "'");
        }
    }
}
