package io.eflow.edge.hub.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.eflow.contract.json.Mappers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

import static java.lang.System.Logger.Level.WARNING;
import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

/**
 * The consumers' saved positions, {@code cursors.json}: for each endpoint, the log position below which all its
 * messages are done (acknowledged or expired). Replaced whole (write a temporary file, sync, rename, sync the
 * folder), so a crash leaves the old file or the new one, never a mix. Positions may lag what consumers
 * acknowledged: after a crash those messages are delivered again, which at-least-once allows.
 *
 * @param start   below this position every endpoint is done: segments under it are deleted, and an endpoint with no
 *                position of its own starts here
 * @param cursors the live endpoints (an endpoint with nothing queued is kept so the hub sees it after a restart)
 * @param removed endpoints the hub removed, with the log's end when it did, so their older messages are not handed to
 *                a new queue of the same name after a restart; forgotten once {@code start} passes them
 */
record Checkpoint(int version, long start, Map<String, Long> cursors, Map<String, Long> removed) {
    static final String FILE = "cursors.json";
    private static final String TEMPORARY = FILE + ".tmp";
    private static final int VERSION = 1;
    private static final System.Logger LOG = System.getLogger(Checkpoint.class.getName());
    private static final ObjectMapper JSON = Mappers.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();
    static final Checkpoint EMPTY = new Checkpoint(VERSION, 0, Map.of(), Map.of());

    Checkpoint {
        cursors = Map.copyOf(cursors);
        removed = Map.copyOf(removed);
    }

    Checkpoint(long start, Map<String, Long> cursors, Map<String, Long> removed) {
        this(VERSION, start, cursors, removed);
    }

    /** Where an endpoint's pending messages begin. */
    long cursorOf(String endpoint) {
        Long own = cursors.get(endpoint);
        if (own == null) {
            own = removed.get(endpoint);
        }
        return own == null ? start : Math.max(start, own);
    }

    /** The highest saved position: the log's end was at least this when it was saved. */
    long highest() {
        long highest = start;
        for (long c : cursors.values()) {
            highest = Math.max(highest, c);
        }
        for (long c : removed.values()) {
            highest = Math.max(highest, c);
        }
        return highest;
    }

    /**
     * The saved positions, or none (every stored message pending) when there is no file or it cannot be read:
     * delivering again is allowed, skipping is not.
     */
    static Checkpoint read(Path directory) {
        try {
            Files.deleteIfExists(directory.resolve(TEMPORARY));
            Checkpoint saved = JSON.readValue(Files.readAllBytes(directory.resolve(FILE)), Checkpoint.class);
            if (saved.version() != VERSION) {
                throw new IOException("unknown version " + saved.version());
            }
            return saved;
        } catch (NoSuchFileException e) {
            return EMPTY;
        } catch (IOException | RuntimeException e) {
            LOG.log(WARNING, "{0}: unreadable ({1}); every stored message will be delivered again",
                    directory.resolve(FILE), e.getMessage());
            return EMPTY;
        }
    }

    void write(Path directory) throws IOException {
        Path temporary = directory.resolve(TEMPORARY);
        byte[] bytes = JSON.writeValueAsBytes(this);
        try (FileChannel out = FileChannel.open(temporary, CREATE, WRITE, TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(false);
        }
        Files.move(temporary, directory.resolve(FILE), ATOMIC_MOVE, REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(directory, READ)) {
            dir.force(true);
        }
    }
}
