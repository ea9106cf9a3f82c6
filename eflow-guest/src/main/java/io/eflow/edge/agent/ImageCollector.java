package io.eflow.edge.agent;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eflow.contract.json.Mappers;
import io.eflow.edge.image.BlobStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;

/**
 * Garbage collection of module images, as IoT Edge's image_garbage_collection does it: an image a deployment
 * stopped using is deleted once it has stayed unused for {@code threshold} (IoT Edge's default: 7 days), so going
 * back to the previous deployment soon after needs no pull. Images loaded or pulled but never deployed are kept.
 * When each image was retired is kept in {@code retired-images.json}, so a restart does not reset the clock.
 */
final class ImageCollector {
    static final Duration THRESHOLD = Duration.ofDays(7);
    private static final ObjectMapper JSON = Mappers.standard();
    private final Path file;
    private final BlobStore blobs;
    private final ImageRoots roots;
    private final ReadWriteLock storeLock;
    private final Duration threshold;

    ImageCollector(Path file, BlobStore blobs, ImageRoots roots, ReadWriteLock storeLock, Duration threshold) {
        this.file = file;
        this.blobs = blobs;
        this.roots = roots;
        this.storeLock = storeLock;
        this.threshold = threshold;
    }

    /** A new deployment: what the previous one used and this one does not starts ageing; what it uses stops. */
    synchronized void deployed(Set<String> previous, Set<String> current, Instant now) {
        Map<String, Instant> retired = read();
        previous.stream().filter(ref -> !current.contains(ref)).forEach(ref -> retired.putIfAbsent(ref, now));
        current.forEach(retired::remove);
        write(retired);
    }

    /** Deletes the images unused for longer than the threshold and not in {@code inUse}; returns their references. */
    synchronized Set<String> collect(Instant now, Set<String> inUse) {
        Map<String, Instant> retired = read();
        Set<String> expired = new HashSet<>();
        retired.forEach((ref, since) -> {
            if (!inUse.contains(ref) && !since.plus(threshold).isAfter(now)) {
                expired.add(ref);
            }
        });
        if (expired.isEmpty()) {
            return expired;
        }
        storeLock.writeLock().lock();
        try {
            Set<String> keep = new HashSet<>(blobs.images().keySet());
            keep.removeAll(expired);
            blobs.gc(keep);
            roots.retainOnly(new HashSet<>(blobs.images().values()));
        } finally {
            storeLock.writeLock().unlock();
        }
        retired.keySet().removeAll(expired);
        write(retired);
        return expired;
    }

    private Map<String, Instant> read() {
        if (!Files.exists(file)) {
            return new TreeMap<>();
        }
        try {
            Map<String, String> stored = JSON.readValue(file.toFile(), new TypeReference<TreeMap<String, String>>() { });
            Map<String, Instant> retired = new TreeMap<>();
            stored.forEach((ref, since) -> retired.put(ref, Instant.parse(since)));
            return retired;
        } catch (IOException e) {
            throw new UncheckedIOException("the image GC record " + file + " is unreadable: " + e.getMessage(), e);
        }
    }

    private void write(Map<String, Instant> retired) {
        Map<String, String> stored = new TreeMap<>();
        retired.forEach((ref, since) -> stored.put(ref, since.toString()));
        try {
            Files.createDirectories(file.getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            JSON.writeValue(partial.toFile(), stored);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
