package io.eflow.edge.agent;

import io.eflow.contract.manifest.EdgeModule;
import io.eflow.contract.manifest.ImagePullPolicy;
import io.eflow.contract.manifest.ImageReference;
import io.eflow.contract.manifest.RuntimeSettings;
import io.eflow.edge.image.BlobStore;
import io.eflow.edge.image.ImageException;
import io.eflow.edge.image.ImageManifest;
import io.eflow.edge.image.PulledImage;
import io.eflow.edge.image.RegistryClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;

/** Gets a module's image ready to run: pulled (or loaded) into the blob store, its configuration read, unpacked. */
final class ModuleImages {
    private final BlobStore blobs;
    private final ImageRoots roots;
    private final ReadWriteLock storeLock;

    /** @param storeLock held shared while pulling and unpacking; garbage collection holds it exclusively */
    ModuleImages(BlobStore blobs, ImageRoots roots, ReadWriteLock storeLock) {
        this.blobs = blobs;
        this.roots = roots;
        this.storeLock = storeLock;
    }

    /**
     * The image as a module is created from it. With {@code imagePullPolicy: on-create} the registry is asked for
     * the current image each time (a digest reference already stored needs no asking); when the registry cannot be
     * reached a stored copy of the same reference is used and {@code note} says so. With {@code never}, only a
     * stored image (pulled earlier, or loaded with {@code eflow image load}) will do.
     */
    Prepared prepare(EdgeModule module, RuntimeSettings runtime, RegistryClient.PullProgress progress) {
        storeLock.readLock().lock();
        try {
            return prepareLocked(module, runtime, progress);
        } finally {
            storeLock.readLock().unlock();
        }
    }

    private Prepared prepareLocked(EdgeModule module, RuntimeSettings runtime, RegistryClient.PullProgress progress) {
        ImageReference reference = module.image();
        String name = reference.toString();
        Optional<String> stored = blobs.image(name);
        String note = "";
        String manifestDigest;
        if (module.imagePullPolicy() == ImagePullPolicy.NEVER || (reference.digest().isPresent() && stored.isPresent())) {
            manifestDigest = stored.orElseThrow(() -> new ImageException("image " + name + " is not stored and"
                    + " imagePullPolicy is never: load it with 'eflow image load' or allow pulls"));
        } else {
            try {
                PulledImage pulled = new RegistryClient(Set.of(), runtime.registryCredentials().values()).pull(reference, blobs, progress);
                manifestDigest = pulled.manifestDigest();
            } catch (ImageException e) {
                if (stored.isEmpty()) {
                    throw e;
                }
                manifestDigest = stored.get();
                note = "using the stored copy: " + e.getMessage();
            }
        }
        ImageManifest manifest = blobs.readManifest(manifestDigest);
        ImageConfig config = manifest.config().map(descriptor -> {
            try {
                return ImageConfig.parse(Files.readAllBytes(blobs.path(descriptor.digest())));
            } catch (IOException e) {
                throw new ImageException("the configuration of " + name + " is unreadable: " + e.getMessage(), e);
            }
        }).orElse(ImageConfig.EMPTY);
        return new Prepared(manifestDigest, config, roots.unpacked(manifestDigest), note);
    }

    /**
     * @param rootfs the image's unpacked tree, the read-only lower layer of the module's root
     * @param note   empty, or why a stored copy stands in for a pull
     */
    record Prepared(String manifestDigest, ImageConfig config, Path rootfs, String note) {
    }
}
