/**
 * The curated guest image: {@code eflow image build} and everything that trusts or installs its result.
 *
 * <p>Build ({@link io.eflow.image.ImageBuilder#build}): Debian base by mmdebstrap (cached in
 * {@code cache/base/<recipe>/base.tar}), customized and overlaid with the guest payload (the eflow-guest
 * module's tar, embedded as {@code /io/eflow/image/guest-payload.tar}), packed as erofs with a dm-verity
 * hash tree and an Ed25519-signed manifest into {@code cache/images/<version>-<hash12>/}
 * ({@code rootfs.erofs}, {@code rootfs.verity}, {@code manifest.json}, {@code manifest.sig});
 * {@code cache/images/current} points at the newest.
 *
 * <p>Trust ({@link io.eflow.image.ImageVerifier}, {@link io.eflow.image.TrustStore},
 * {@link io.eflow.image.ReleaseKeys}): an image is used only if a trusted key signed its manifest and every
 * part matches it. Install ({@link io.eflow.image.SlotInstaller}): erofs plus hash tree into a sparse 4 GiB
 * root slot, checkable in Java ({@link io.eflow.image.VerityHashTree}) where the kernel has no dm-verity.
 */
package io.eflow.image;
