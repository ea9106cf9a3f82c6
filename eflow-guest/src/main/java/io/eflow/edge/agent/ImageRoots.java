package io.eflow.edge.agent;

import io.eflow.edge.image.BlobStore;
import io.eflow.edge.image.Descriptor;
import io.eflow.edge.image.Digests;
import io.eflow.edge.image.ImageException;
import io.eflow.edge.image.ImageManifest;
import io.eflow.edge.image.LayerExtractor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The unpacked root file systems of stored images, one read-only tree per image manifest under
 * {@code root/<hex>}: every module of the same image shares it as the lower layer of its overlay. A tree appears
 * under its name only complete (unpacked beside it, then renamed), so a crash mid-way leaves nothing trusted.
 */
final class ImageRoots {
    private final Path root;
    private final BlobStore blobs;
    private final LayerExtractor extractor = new LayerExtractor();

    ImageRoots(Path root, BlobStore blobs) {
        this.root = root;
        this.blobs = blobs;
    }

    /** The unpacked tree of the image whose manifest is {@code manifestDigest}, unpacking it on first use. */
    synchronized Path unpacked(String manifestDigest) {
        Path tree = root.resolve(Digests.hex(manifestDigest));
        if (Files.isDirectory(tree)) {
            return tree;
        }
        ImageManifest manifest = blobs.readManifest(manifestDigest);
        Path partial = root.resolve(".partial-" + Digests.hex(manifestDigest));
        try {
            delete(partial);
            Files.createDirectories(partial);
            for (Descriptor layer : manifest.layers()) {
                if (!blobs.has(layer.digest())) {
                    throw new ImageException("layer " + layer.digest() + " of image " + manifestDigest + " is not stored");
                }
                extractor.extract(blobs.path(layer.digest()), partial);
            }
            Files.move(partial, tree, StandardCopyOption.ATOMIC_MOVE);
            return tree;
        } catch (IOException e) {
            throw new ImageException("cannot unpack image " + manifestDigest + ": " + e.getMessage(), e);
        } finally {
            delete(partial);
        }
    }

    /** Deletes the trees of images no longer stored (after the blob store's GC), and unfinished ones. */
    synchronized void retainOnly(Set<String> manifestDigests) {
        Set<String> keep = manifestDigests.stream().map(Digests::hex).collect(Collectors.toSet());
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> trees = Files.list(root)) {
            trees.filter(tree -> !keep.contains(tree.getFileName().toString())).forEach(ImageRoots::delete);
        } catch (IOException e) {
            throw new ImageException("cannot clean " + root + ": " + e.getMessage(), e);
        }
    }

    static void delete(Path tree) {
        if (!Files.exists(tree, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(tree)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new ImageException("cannot delete " + tree + ": " + e.getMessage(), e);
        }
    }
}
