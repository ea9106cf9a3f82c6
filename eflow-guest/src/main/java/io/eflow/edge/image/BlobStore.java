package io.eflow.edge.image;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.eflow.contract.json.Mappers;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The guest's content-addressed image store: {@code blobs/sha256/<hex>} holds every manifest, config and layer
 * once, and {@code images.json} maps each pulled reference to its image manifest's digest.
 *
 * <p>A blob only ever appears under its name complete and verified: it is written to {@code tmp/}, synced, checked
 * against its digest and then renamed, so a crash or a cut connection leaves nothing a later pull would trust.
 */
public final class BlobStore {
    private static final ObjectMapper JSON = Mappers.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    private final Path root;
    private final Path blobs;
    private final Path tmp;
    private final Path index;

    /** @param root e.g. {@code /var/lib/eflow/images}; created when missing */
    public BlobStore(Path root) {
        this.root = root;
        this.blobs = root.resolve("blobs").resolve("sha256");
        this.tmp = root.resolve("tmp");
        this.index = root.resolve("images.json");
        try {
            Files.createDirectories(blobs);
            Files.createDirectories(tmp);
        } catch (IOException e) {
            throw new ImageException("cannot create the image store at " + root + ": " + e.getMessage(), e);
        }
    }

    public Path root() {
        return root;
    }

    public boolean has(String digest) {
        return Files.isRegularFile(path(digest));
    }

    /** Where the blob lives (whether or not it is there yet). */
    public Path path(String digest) {
        return blobs.resolve(Digests.hex(digest));
    }

    /**
     * Stores what {@code content} yields if it hashes to {@code digest} and is {@code size} bytes long (negative:
     * any length). Nothing is left behind otherwise.
     *
     * @param what names the blob in errors, e.g. "layer sha256:… of example.com/app:1"
     */
    public Path put(String digest, long size, InputStream content, String what) {
        Path target = path(digest);
        if (Files.isRegularFile(target)) {
            return target;
        }
        Path partial = null;
        try {
            partial = Files.createTempFile(tmp, Digests.hex(digest) + "-", ".partial");
            MessageDigest sha256 = Digests.sha256();
            long written;
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE);
                 InputStream in = new DigestInputStream(content, sha256)) {
                written = in.transferTo(Channels.newOutputStream(channel));
                channel.force(true);
            } catch (IOException e) {
                throw new ImageException("the transfer of " + what + " broke off: " + e.getMessage()
                        + "; pull again", e);
            }
            if (size >= 0 && written != size) {
                throw new ImageException(what + " is truncated: got " + written + " of " + size + " bytes; pull again");
            }
            String actual = Digests.format(sha256.digest());
            if (!actual.equals(digest)) {
                throw new ImageException(what + " does not match its digest (content hashes to " + actual
                        + "); the registry or something between is serving corrupt data");
            }
            moveAtomically(partial, target);
            return target;
        } catch (IOException e) {
            throw new ImageException("cannot write " + what + " to the image store " + root + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(partial);
        }
    }

    /** Stores a small blob already in memory (a manifest). */
    public Path put(String digest, byte[] content, String what) {
        return put(digest, content.length, new ByteArrayInputStream(content), what);
    }

    /**
     * A new empty file in the store's {@code tmp/}, for content to be {@link #adopt adopted} once its digest is
     * known; {@link #gc} removes it if it is left behind.
     */
    Path newPartial(String prefix) throws IOException {
        return Files.createTempFile(tmp, prefix, ".partial");
    }

    /**
     * Moves a file made by {@link #newPartial} into place as {@code digest} if it hashes to it (it is read once more
     * and synced for that). The file is gone afterwards either way.
     */
    Path adopt(String digest, Path partial, String what) {
        Path target = path(digest);
        try {
            if (Files.isRegularFile(target)) {
                return target;
            }
            MessageDigest sha256 = Digests.sha256();
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
                while (channel.read(buffer) >= 0) {
                    buffer.flip();
                    sha256.update(buffer);
                    buffer.clear();
                }
                channel.force(true);
            }
            String actual = Digests.format(sha256.digest());
            if (!actual.equals(digest)) {
                throw new ImageException(what + " does not match its digest (content hashes to " + actual + ")");
            }
            moveAtomically(partial, target);
            return target;
        } catch (IOException e) {
            throw new ImageException("cannot write " + what + " to the image store " + root + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(partial);
        }
    }

    /** Records that {@code reference} now means the image manifest {@code manifestDigest}, which must be stored. */
    public synchronized void record(String reference, String manifestDigest) {
        record(Map.of(reference, manifestDigest));
    }

    /**
     * Records several references at once (reference → image manifest digest): all of them or, when a manifest is
     * not stored, none.
     */
    public synchronized void record(Map<String, String> references) {
        references.forEach((reference, manifestDigest) -> {
            if (!has(manifestDigest)) {
                throw new ImageException("cannot record " + reference + ": its manifest " + manifestDigest + " is not stored");
            }
        });
        Map<String, String> images = images();
        images.putAll(references);
        writeIndex(images);
    }

    /** The image manifest digest recorded for a reference. */
    public synchronized Optional<String> image(String reference) {
        return Optional.ofNullable(images().get(reference));
    }

    /** Every recorded reference and its image manifest digest, sorted by reference. */
    public synchronized Map<String, String> images() {
        if (!Files.exists(index)) {
            return new TreeMap<>();
        }
        try {
            return JSON.readValue(index.toFile(), new TypeReference<TreeMap<String, String>>() { });
        } catch (IOException e) {
            throw new ImageException("the image index " + index + " is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * Forgets the images whose references are not in use and deletes every blob that no remaining image needs,
     * along with leftovers of interrupted writes.
     *
     * @return the digests of the deleted blobs
     */
    public synchronized Set<String> gc(Set<String> referencesInUse) {
        Map<String, String> images = images();
        images.keySet().retainAll(referencesInUse);
        writeIndex(images);
        Set<String> live = new HashSet<>();
        for (String manifestDigest : images.values()) {
            live.add(manifestDigest);
            ImageManifest manifest = readManifest(manifestDigest);
            manifest.config().ifPresent(c -> live.add(c.digest()));
            manifest.layers().forEach(l -> live.add(l.digest()));
        }
        Set<String> deleted = new HashSet<>();
        try (Stream<Path> stored = Files.list(blobs); Stream<Path> partials = Files.list(tmp)) {
            for (Path blob : (Iterable<Path>) stored::iterator) {
                String digest = "sha256:" + blob.getFileName();
                if (!live.contains(digest)) {
                    Files.delete(blob);
                    deleted.add(digest);
                }
            }
            partials.forEach(BlobStore::deleteQuietly);
        } catch (IOException e) {
            throw new ImageException("cannot clean the image store " + root + ": " + e.getMessage(), e);
        }
        return deleted;
    }

    public ImageManifest readManifest(String digest) {
        try {
            return ImageManifest.parse(Files.readAllBytes(path(digest)), null);
        } catch (IOException e) {
            throw new ImageException("the stored manifest " + digest + " is unreadable: " + e.getMessage(), e);
        }
    }

    private void writeIndex(Map<String, String> images) {
        Path partial = null;
        try {
            partial = Files.createTempFile(tmp, "images-", ".json");
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(JSON.writeValueAsBytes(images)));
                channel.force(true);
            }
            moveAtomically(partial, index);
        } catch (IOException e) {
            throw new ImageException("cannot write the image index " + index + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(partial);
        }
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the store's tmp/ and its content are on different file systems", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException ignored) {
            // a leftover in tmp/ is harmless: gc removes it
        }
    }
}
