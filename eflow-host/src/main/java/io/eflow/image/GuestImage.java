package io.eflow.image;

import io.eflow.platform.EflowException;

import java.nio.file.Path;

/**
 * A built (or verified) guest image: a folder holding the parts its manifest lists plus the manifest and
 * its signature. Values of this type come from {@link ImageBuilder} or {@link ImageVerifier}.
 */
public record GuestImage(Path dir, ImageManifest manifest) {
    public static final String ROOTFS = "rootfs.erofs";
    public static final String VERITY = "rootfs.verity";
    public static final String MANIFEST = "manifest.json";
    public static final String SIGNATURE = "manifest.sig";

    /** The read-only root filesystem (erofs), padded to whole 4096-byte blocks. */
    public Path rootfs() {
        return part(ROOTFS);
    }

    /** The dm-verity hash tree of {@link #rootfs()}, top level first. */
    public Path verityTree() {
        return part(VERITY);
    }

    public Path manifestFile() {
        return dir.resolve(MANIFEST);
    }

    public Path signatureFile() {
        return dir.resolve(SIGNATURE);
    }

    public String version() {
        return manifest.version();
    }

    public ImageManifest.Verity verity() {
        return manifest.verity();
    }

    /** A part's file; only names the manifest lists are parts. */
    public Path part(String name) {
        if (manifest.part(name).isEmpty()) {
            throw EflowException.notFound("image " + manifest.version() + " has no part " + name);
        }
        return dir.resolve(name);
    }
}
