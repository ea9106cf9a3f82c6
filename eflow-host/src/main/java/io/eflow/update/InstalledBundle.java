package io.eflow.update;

import io.eflow.image.ImageManifest;

/**
 * What {@link BundleInstaller} put into the inactive slots, with the signed documents a slot record keeps
 * (the image manifest and its signature, the bundle manifest and its signature, each as exact bytes).
 */
public record InstalledBundle(Semver version, ImageManifest imageManifest, byte[] manifestJson, byte[] manifestSig,
                              byte[] bundleJson, byte[] bundleSig) {
}
