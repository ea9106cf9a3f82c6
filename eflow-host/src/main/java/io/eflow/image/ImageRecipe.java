package io.eflow.image;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Everything a finished image is made from. Its hash names the image folder and seeds the filesystem
 * UUID and the verity salt, so the same inputs give the same image identity.
 *
 * @param version        eflow project version
 * @param arch           Debian architecture
 * @param created        the build's fixed timestamp (file times in the erofs, manifest "created")
 * @param baseRecipeHash hash of the {@link BaseRecipe}
 * @param baseSha256     sha256 of the cached base tar: a forced base rebuild with new Debian updates is a new image
 * @param payloadSha256  sha256 of the guest payload tar: any code change is a new image
 * @param bootSha256     digest of the boot kit and the initramfs init ({@code none} without qemu boot parts)
 */
record ImageRecipe(String version, String arch, Instant created, String baseRecipeHash, String baseSha256,
                   String payloadSha256, String bootSha256) {
    /** Bump whenever the image layout changes in a way the builder's code hash does not capture. */
    static final int BUILDER_FORMAT = 2;

    String canonical() {
        return "eflow-image-recipe\n"
                + "builder=" + BUILDER_FORMAT + "\n"
                + "builder-code=" + BuilderCode.SHA256 + "\n"
                + "version=" + version + "\n"
                + "arch=" + arch + "\n"
                + "created=" + created + "\n"
                + "base-recipe=" + baseRecipeHash + "\n"
                + "base-sha256=" + baseSha256 + "\n"
                + "payload-sha256=" + payloadSha256 + "\n"
                + "boot-sha256=" + bootSha256 + "\n";
    }

    String hash() {
        return FileDigests.sha256(canonical());
    }

    /** {@code 0.1.0+1a2b3c4d}: semver build metadata tells builds of one version apart. */
    String imageVersion() {
        return version + "+" + hash().substring(0, 8);
    }

    String buildId() {
        return hash().substring(0, 12);
    }

    String folderName() {
        return version + "-" + buildId();
    }

    /** 32 bytes derived from the recipe, never random: rebuilding the same recipe reproduces the tree. */
    byte[] veritySalt() {
        return VerityHashTree.sha256().digest(("eflow verity salt\n" + hash()).getBytes(StandardCharsets.UTF_8));
    }

    /** A name-based UUID (RFC 4122 version 5 layout over sha256) for the erofs superblock. */
    UUID filesystemUuid() {
        byte[] d = VerityHashTree.sha256().digest(("eflow erofs uuid\n" + hash()).getBytes(StandardCharsets.UTF_8));
        d[6] = (byte) ((d[6] & 0x0f) | 0x50);
        d[8] = (byte) ((d[8] & 0x3f) | 0x80);
        String h = HexFormat.of().formatHex(d, 0, 16);
        return UUID.fromString(h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-"
                + h.substring(16, 20) + "-" + h.substring(20, 32));
    }

    ImageIdentity identity() {
        return new ImageIdentity(imageVersion(), arch, created.toString(), hash());
    }
}
