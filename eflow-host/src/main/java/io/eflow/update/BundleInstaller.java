package io.eflow.update;

import io.eflow.image.BootSlotInstaller;
import io.eflow.image.GuestImage;
import io.eflow.image.ImageManifest;
import io.eflow.image.ImageVerifier;
import io.eflow.image.SlotInstaller;
import io.eflow.image.TrustStore;
import io.eflow.platform.CountingInputStream;
import io.eflow.platform.EflowException;
import io.eflow.platform.Progress;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Writes a verified bundle into an instance's inactive slots in one pass over the file, each byte read once: the image
 * manifest is checked like an image's, the filesystem and its hash tree stream straight into the root slot's temporary
 * file, the kernel and initramfs into temporary files in the mounted boot slot (digested as they are read, written by
 * another thread meanwhile). Only when every part has matched its signed digest are the boot slot's files renamed into
 * place and then the root slot; on any failure both slots' files are as they were and nothing temporary is left.
 */
public final class BundleInstaller {
    /** A signed manifest is a few KiB; more is not an image manifest. */
    private static final long MAX_MANIFEST = 1 << 20;

    private BundleInstaller() {
    }

    /**
     * @param bootSlotFile the inactive boot slot, required when the bundle has boot parts, null when it has none
     * @param halfway      run once when half of rootfs.erofs is in the temporary slot (where fault injection strikes)
     * @param replacing    run once everything is received and verified, just before the slots' old contents are
     *                     replaced: the caller forgets what the slots held here, never earlier (a refused bundle
     *                     leaves the instance as it was)
     */
    public static InstalledBundle install(VerifiedBundle bundle, TrustStore trust, Path rootSlotFile, Path bootSlotFile,
                                          Runnable halfway, Runnable replacing, Consumer<String> progress) {
        BundleManifest manifest = bundle.manifest();
        if (manifest.hasBootParts() && bootSlotFile == null) {
            throw new EflowException("bundle " + manifest.version() + " carries a kernel and initramfs, but no boot slot was given for them");
        }
        if (!manifest.hasBootParts() && bootSlotFile != null) {
            throw new EflowException("bundle " + manifest.version() + " has no kernel and initramfs: it cannot update a boot slot"
                    + " (make the bundle from an image built with boot parts)");
        }
        Receiver receiver = new Receiver(bundle, trust, rootSlotFile, bootSlotFile, halfway, progress);
        try {
            bundle.readParts(receiver);
            if (receiver.slot == null) {
                throw new EflowException("bundle " + manifest.version() + " has no root filesystem");
            }
            replacing.run();
            // Boot slot first: if it fails, the root slot is still the old one and the pair is retried whole.
            if (receiver.boot != null) {
                progress.accept("putting kernel and initramfs in place in " + bootSlotFile.getFileName());
                receiver.boot.commit(receiver.manifestJson, receiver.manifestSig);
            }
            receiver.slot.commit();
            progress.accept("installed " + manifest.version() + " (image " + receiver.imageManifest.version() + ") into "
                    + rootSlotFile.getFileName());
            return new InstalledBundle(bundle.version(), receiver.imageManifest, receiver.manifestJson, receiver.manifestSig,
                    bundle.manifestJson(), bundle.signature());
        } catch (IOException e) {
            throw EflowException.failure("cannot write root slot " + rootSlotFile + ": " + e.getMessage(), e);
        } finally {
            try {
                if (receiver.boot != null) {
                    receiver.boot.close();
                }
            } finally {
                if (receiver.slot != null) {
                    receiver.slot.close();
                }
            }
        }
    }

    /**
     * The sink: everything it writes is temporary (the staged root slot, the boot slot's temporary files) until install
     * commits.
     */
    private static final class Receiver implements PartSink {
        private final VerifiedBundle bundle;
        private final TrustStore trust;
        private final Path rootSlotFile;
        private final Path bootSlotFile;
        private final Runnable halfway;
        private final Consumer<String> progress;
        private byte[] manifestJson;
        private byte[] manifestSig;
        private ImageManifest imageManifest;
        private SlotInstaller.StagedSlot slot;
        private BootSlotInstaller.Writing boot;

        Receiver(VerifiedBundle bundle, TrustStore trust, Path rootSlotFile, Path bootSlotFile, Runnable halfway,
                 Consumer<String> progress) {
            this.bundle = bundle;
            this.trust = trust;
            this.rootSlotFile = rootSlotFile;
            this.bootSlotFile = bootSlotFile;
            this.halfway = halfway;
            this.progress = progress;
        }

        @Override
        public void accept(ImageManifest.Part part, InputStream content) throws IOException {
            switch (part.name()) {
                case GuestImage.MANIFEST -> manifestJson = small(part, content);
                case GuestImage.SIGNATURE -> manifestSig = small(part, content);
                case GuestImage.ROOTFS -> {
                    // Both manifest parts have matched their signed digests by now: only now are they parsed.
                    imageManifest = checkImageManifest();
                    slot = SlotInstaller.stage(rootSlotFile, imageManifest.verity(), imageManifest.version());
                    checkSlotSizes();
                    String step = "writing " + part.name() + " into " + rootSlotFile.getFileName();
                    progress.accept(step);
                    InputStream counted = new CountingInputStream(content, Progress.of(progress), step, part.size());
                    long half = part.size() / 2;
                    slot.write(counted, 0, half);
                    halfway.run();
                    slot.write(counted, half, part.size() - half);
                }
                // One sync per file, at the commit: a flush started here, while the boot parts stream, took CPU from
                // their hashing on a two-core machine and the apply was no faster (bench/update-apply.sh).
                case GuestImage.VERITY -> slot.write(content, slot.layout().hashOffset(), part.size());
                case GuestImage.VMLINUX, GuestImage.INITRD -> {
                    if (boot == null) {
                        // mounted only now, so a crash while the root slot is written leaves no mount behind
                        progress.accept("writing kernel and initramfs into " + bootSlotFile.getFileName());
                        boot = BootSlotInstaller.writing(bootSlotFile);
                    }
                    boot.write(part.name(), content, part.size());
                }
                default -> throw new EflowException("bundle part " + part.name() + " is not one eflow installs");
            }
        }

        private static byte[] small(ImageManifest.Part part, InputStream content) throws IOException {
            if (part.size() > MAX_MANIFEST) {
                throw new EflowException("bundle part " + part.name() + " is larger than 1 MiB: not an image manifest");
            }
            return content.readNBytes((int) part.size());
        }

        /** The image manifest as an image's, and the bundle's signed list saying the same of every part. */
        private ImageManifest checkImageManifest() {
            ImageManifest image = ImageVerifier.verifyManifest(manifestJson, manifestSig, trust);
            BundleManifest manifest = bundle.manifest();
            if (!image.version().equals(manifest.imageVersion()) || !image.arch().equals(manifest.arch())) {
                throw new EflowException("bundle " + manifest.version() + " names image " + manifest.imageVersion() + " (" + manifest.arch()
                        + ") but carries image " + image.version() + " (" + image.arch() + "): the bundle is corrupt or tampered");
            }
            var imageParts = manifest.parts().subList(2, manifest.parts().size());
            if (!imageParts.equals(image.parts())) {
                throw new EflowException("bundle " + manifest.version() + " lists parts that its image manifest does not"
                        + " (names, sizes or sha256 differ): the bundle is corrupt or tampered");
            }
            return image;
        }

        /** The filesystem must end where the tree starts and the tree be the size its parameters call for. */
        private void checkSlotSizes() {
            if (imageManifest.part(GuestImage.ROOTFS).orElseThrow().size() != slot.layout().hashOffset()
                    || imageManifest.part(GuestImage.VERITY).orElseThrow().size() != slot.treeBytes()) {
                throw new EflowException("image manifest's part sizes do not match its verity parameters: the bundle cannot be installed");
            }
        }
    }
}
