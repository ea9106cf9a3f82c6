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
    /** The uncompressed kernel (ELF with a PVH entry) for QEMU's direct boot. */
    public static final String VMLINUX = "vmlinux";
    /** eflow's initramfs: gzip-compressed newc cpio. */
    public static final String INITRD = "initrd.img";

    /** The read-only root filesystem (erofs), padded to whole 4096-byte blocks. */
    public Path rootfs() {
        return part(ROOTFS);
    }

    /** The dm-verity hash tree of {@link #rootfs()}, top level first. */
    public Path verityTree() {
        return part(VERITY);
    }

    /** Debian's kernel, uncompressed, for {@code qemu -kernel}; images built without boot parts have none. */
    public Path vmlinux() {
        return part(VMLINUX);
    }

    /** eflow's initramfs for {@code qemu -initrd}. */
    public Path initrd() {
        return part(INITRD);
    }

    /** Whether the image carries the qemu boot parts. */
    public boolean hasBootParts() {
        return manifest.part(VMLINUX).isPresent() && manifest.part(INITRD).isPresent();
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
