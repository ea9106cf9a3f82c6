package io.eflow.edge.image;

import io.eflow.contract.manifest.ImageReference;

import java.util.List;

/**
 * An image whose manifest, config and layers are all in the store.
 *
 * @param manifestDigest the image manifest for this platform (not the index a tag may point to)
 */
public record PulledImage(ImageReference reference, String manifestDigest, ImageManifest manifest) {

    public Descriptor config() {
        return manifest.config().orElseThrow();
    }

    /** Lowest first: the order to extract them in. */
    public List<Descriptor> layers() {
        return manifest.layers();
    }
}
