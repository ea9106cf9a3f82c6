package io.eflow.edge.logs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Every module's log, one folder per module under the guest's log partition ({@code /logs/<module>/}).
 *
 * <p>{@link #open} gives the writer the agent hands a module's process streams to; {@link #read} is what
 * {@code eflow module logs} shows. Each module keeps at most {@code files} files of about {@code maxFileBytes}.
 */
public final class ModuleLogs implements Closeable {
    private final Path root;
    private final long maxFileBytes;
    private final int files;
    private final Clock clock;
    private final ConcurrentMap<String, ModuleLog> open = new ConcurrentHashMap<>();

    /**
     * @param root         e.g. {@code /logs}; module folders are created in it as needed
     * @param maxFileBytes when current.log would grow past this, it is rotated
     * @param files        how many files a module keeps, current.log included (at least 1)
     */
    public ModuleLogs(Path root, long maxFileBytes, int files) {
        this(root, maxFileBytes, files, Clock.systemUTC());
    }

    /** @param clock what lines are stamped with */
    public ModuleLogs(Path root, long maxFileBytes, int files, Clock clock) {
        if (maxFileBytes <= 0) {
            throw new IllegalArgumentException("maxFileBytes must be positive, not " + maxFileBytes);
        }
        if (files < 1 || files > 1000) {
            throw new IllegalArgumentException("files must be between 1 and 1000, not " + files);
        }
        this.root = root;
        this.maxFileBytes = maxFileBytes;
        this.files = files;
        this.clock = clock;
    }

    public Path root() {
        return root;
    }

    /** A module's log folder (whether or not it exists). */
    public Path folder(String module) {
        checkName(module);
        return root.resolve(module);
    }

    /**
     * The module's log writer, created (with its folder) on first use and kept until closed or removed; a module
     * that restarts attaches its new process to the same writer. Never throws for I/O: see {@link ModuleLog}.
     */
    public ModuleLog open(String module) {
        Path dir = folder(module);
        return open.computeIfAbsent(module,
                name -> new ModuleLog(name, dir, maxFileBytes, files, clock, log -> open.remove(name, log)));
    }

    /** Closes the module's writer, if open, and deletes its log folder. */
    public void remove(String module) throws IOException {
        Path dir = folder(module);
        ModuleLog log = open.remove(module);
        if (log != null) {
            log.close();
        }
        deleteTree(dir);
    }

    /** The modules that have a log folder, sorted. */
    public List<String> modules() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(root)) {
            return list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** {@link #read(String, Query, Consumer, BooleanSupplier)} that, following, stops only when interrupted. */
    public void read(String module, Query query, Consumer<LogLine> out) throws IOException {
        read(module, query, out, () -> true);
    }

    /**
     * Emits a module's log lines to {@code out} on the calling thread; see {@link LogReader}. Following, it returns
     * once {@code keepGoing} says false, the thread is interrupted or the module's logs are removed (or throws
     * what {@code out} throws).
     *
     * @throws NoSuchElementException when the module has no logs
     */
    public void read(String module, Query query, Consumer<LogLine> out, BooleanSupplier keepGoing)
            throws IOException {
        try {
            new LogReader(folder(module)).read(query, out, keepGoing);
        } catch (NoSuchFileException e) {
            if (!Files.isDirectory(folder(module))) {
                throw new NoSuchElementException("module '" + module + "' has no logs");
            }
            throw e;
        }
    }

    /** Closes every open writer (each waiting for its streams to end, see {@link ModuleLog#close()}). */
    @Override
    public void close() {
        for (ModuleLog log : new ArrayList<>(open.values())) {
            log.close();
        }
    }

    private static void checkName(String module) {
        if (module == null || module.isEmpty() || module.length() > 255 || module.equals(".") || module.equals("..")
                || module.chars().anyMatch(c -> c == '/' || c == '\\' || c < ' ' || c == 0x7f)) {
            throw new IllegalArgumentException("not a module name: '" + module + "'");
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
    }
}
