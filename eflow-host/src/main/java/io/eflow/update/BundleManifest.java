package io.eflow.update;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.eflow.image.GuestImage;
import io.eflow.image.ImageManifest;
import io.eflow.image.SignedJson;
import io.eflow.platform.EflowException;

import java.util.List;

/**
 * {@code bundle.json}, the first entry of an update bundle, signed as exact bytes by {@code bundle.sig}: what the
 * bundle is and every following entry's size and sha256, so each part is checked while it streams.
 *
 * @param format       always {@link #FORMAT}
 * @param version      the release, MAJOR.MINOR.PATCH
 * @param arch         Debian architecture of the guest, e.g. {@code amd64}
 * @param imageVersion the version in the image's own manifest ({@code 0.1.0+1a2b3c4d})
 * @param created      the image manifest's {@code created}, so the same image and version give the same bytes
 * @param parts        every entry after {@code bundle.sig}, in order
 */
@JsonPropertyOrder({"format", "version", "arch", "imageVersion", "created", "parts"})
public record BundleManifest(String format, String version, String arch, String imageVersion, String created,
                             List<ImageManifest.Part> parts) {
    public static final String FORMAT = "eflow-bundle/1";
    public static final String FILE = "bundle.json";
    public static final String SIGNATURE_FILE = "bundle.sig";
    /** The parts every bundle carries, in their order: the image's signed manifest first, then the root slot's two. */
    static final List<String> ROOT_PARTS = List.of(GuestImage.MANIFEST, GuestImage.SIGNATURE, GuestImage.ROOTFS, GuestImage.VERITY);
    /** The parts a bundle for the qemu backend adds after those. */
    static final List<String> BOOT_PARTS = List.of(GuestImage.VMLINUX, GuestImage.INITRD);

    public BundleManifest {
        parts = parts == null ? List.of() : List.copyOf(parts);
    }

    /** The release as a value; {@link #parse} has made sure it is one. */
    public Semver semver() {
        return Semver.parse(version);
    }

    /** Whether the bundle carries a kernel and initramfs for a boot slot. */
    public boolean hasBootParts() {
        return partNames().containsAll(BOOT_PARTS);
    }

    public List<String> partNames() {
        return parts.stream().map(ImageManifest.Part::name).toList();
    }

    /** The bytes that get signed: stable for a given record (fixed property order, LF, trailing newline). */
    public byte[] toJson() {
        return SignedJson.write(this);
    }

    /** Parses bundle.json; a manifest missing what every bundle has is refused in one line. */
    public static BundleManifest parse(byte[] json) {
        BundleManifest manifest = SignedJson.read(json, BundleManifest.class, "bundle manifest");
        if (manifest.format() == null || manifest.version() == null || manifest.arch() == null
                || manifest.imageVersion() == null || manifest.parts().isEmpty()) {
            throw new EflowException("bundle manifest is not valid: format, version, arch, imageVersion and parts are required");
        }
        try {
            Semver.parse(manifest.version());
        } catch (EflowException e) {
            throw new EflowException("bundle manifest is not valid: " + e.getMessage());
        }
        for (ImageManifest.Part part : manifest.parts()) {
            if (part == null || part.name() == null || part.sha256() == null || !part.sha256().matches("[0-9a-f]{64}") || part.size() < 0) {
                throw new EflowException("bundle manifest has no valid name, size and sha256 for a part");
            }
        }
        return manifest;
    }
}
