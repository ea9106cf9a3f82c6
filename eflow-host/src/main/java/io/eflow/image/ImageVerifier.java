package io.eflow.image;

import io.eflow.platform.EflowException;
import io.eflow.platform.FileTrees;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Decides whether an image folder may be used: the manifest's exact bytes must carry a signature by a
 * trusted key, every part must have the signed size and sha256, and the stored hash tree must lead to the
 * signed verity root hash. Anything else is refused with one line that names the problem.
 */
public final class ImageVerifier {
    /** Part names are plain file names inside the image folder: a signed manifest still cannot point outside it. */
    private static final Pattern PART_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    private ImageVerifier() {
    }

    public static GuestImage verify(Path imageDir, TrustStore trust) {
        return verify(imageDir, trust, true);
    }

    /**
     * Signature, shape, sizes and the verity root, but no full-file digests: for the builder's cache hit, where the
     * folder was written atomically by this host and must answer instantly, and for a deploy, which checks the digests
     * ({@link #checkDigests}) while it copies the parts and before anything boots from them.
     */
    public static GuestImage verifyWithoutDigests(Path imageDir, TrustStore trust) {
        return verify(imageDir, trust, false);
    }

    private static GuestImage verify(Path imageDir, TrustStore trust, boolean digests) {
        Path manifestFile = imageDir.resolve(GuestImage.MANIFEST);
        Path signatureFile = imageDir.resolve(GuestImage.SIGNATURE);
        if (!Files.isRegularFile(manifestFile)) {
            throw EflowException.notFound("not an eflow image: " + imageDir + " has no " + GuestImage.MANIFEST);
        }
        if (!Files.isRegularFile(signatureFile)) {
            throw new EflowException(403, "image has no manifest.sig: unsigned images are refused");
        }
        ImageManifest manifest = verifyManifest(FileTrees.read(manifestFile), FileTrees.read(signatureFile), trust);
        for (ImageManifest.Part part : manifest.parts()) {
            checkPart(imageDir, part, digests);
        }
        checkVerity(imageDir, manifest);
        return new GuestImage(imageDir, manifest);
    }

    /**
     * A manifest that arrived without its folder (inside an update bundle): its signature by a trusted key and its
     * shape (part names, digests, verity parameters). The parts themselves are the caller's to check.
     */
    public static ImageManifest verifyManifest(byte[] json, byte[] signature, TrustStore trust) {
        trust.requireSigner("image manifest", json, ManifestSignature.parse(signature));
        ImageManifest manifest = ImageManifest.parse(json);
        checkShape(manifest);
        return manifest;
    }

    private static void checkShape(ImageManifest manifest) {
        if (!ImageManifest.NAME.equals(manifest.name())) {
            throw new EflowException("not an eflow guest image: manifest name is " + manifest.name());
        }
        for (ImageManifest.Part part : manifest.parts()) {
            if (part.name() == null || !PART_NAME.matcher(part.name()).matches()
                    || part.name().equals(GuestImage.MANIFEST) || part.name().equals(GuestImage.SIGNATURE)) {
                throw new EflowException("image manifest lists an invalid part name: " + part.name());
            }
            if (part.sha256() == null || !HEX64.matcher(part.sha256()).matches() || part.size() < 0) {
                throw new EflowException("image manifest has no valid size and sha256 for " + part.name());
            }
        }
        for (String required : new String[] {GuestImage.ROOTFS, GuestImage.VERITY}) {
            if (manifest.part(required).isEmpty()) {
                throw new EflowException("image manifest lists no " + required);
            }
        }
        ImageManifest.Verity v = manifest.verity();
        if (v == null || !"sha256".equals(v.hashAlgorithm()) || v.dataBlockSize() != VerityHashTree.BLOCK_SIZE
                || v.hashBlockSize() != VerityHashTree.BLOCK_SIZE || v.dataBlocks() < 1
                || v.salt() == null || v.rootHash() == null || !HEX64.matcher(v.rootHash()).matches()) {
            throw new EflowException("image manifest has unsupported verity parameters (eflow uses sha256 with 4096-byte blocks)");
        }
    }

    /** Every part's sha256 against the signed manifest's (what {@link #verifyWithoutDigests} leaves out). */
    public static void checkDigests(GuestImage image) {
        for (ImageManifest.Part part : image.manifest().parts()) {
            checkPart(image.dir(), part, true);
        }
    }

    private static void checkPart(Path dir, ImageManifest.Part part, boolean digest) {
        Path file = dir.resolve(part.name());
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new EflowException(part.name() + ": missing from the image folder (image incomplete)");
        }
        long size = size(file);
        if (size != part.size()) {
            throw new EflowException(part.name() + ": size " + size + " but the manifest says " + part.size()
                    + " (image corrupt or tampered)");
        }
        if (digest && !FileDigests.sha256(file).equals(part.sha256())) {
            throw new EflowException(part.name() + ": sha256 mismatch (image corrupt or tampered)");
        }
    }

    /** Cheap: only the top block is hashed; the parts' digests already vouch for everything below it. */
    private static void checkVerity(Path dir, ImageManifest manifest) {
        ImageManifest.Verity v = manifest.verity();
        HexFormat hex = HexFormat.of();
        byte[] salt = parseHex(v.salt(), "salt");
        if (salt.length == 0 || salt.length > 256) {
            throw new EflowException("image manifest has an invalid verity salt");
        }
        long dataBytes = v.dataBlocks() * VerityHashTree.BLOCK_SIZE;
        if (manifest.part(GuestImage.ROOTFS).orElseThrow().size() != dataBytes) {
            throw new EflowException("rootfs.erofs: size does not match the verity data blocks (" + v.dataBlocks() + ")");
        }
        VerityHashTree.Layout layout = VerityHashTree.layout(v.dataBlocks());
        if (manifest.part(GuestImage.VERITY).orElseThrow().size() != layout.hashBytes()) {
            throw new EflowException("rootfs.verity: size does not match a hash tree over " + v.dataBlocks() + " blocks");
        }
        Path source = layout.levels().isEmpty() ? dir.resolve(GuestImage.ROOTFS) : dir.resolve(GuestImage.VERITY);
        byte[] top = new byte[VerityHashTree.BLOCK_SIZE];
        try (InputStream in = Files.newInputStream(source)) {
            if (in.readNBytes(top, 0, top.length) != top.length) {
                throw new EflowException(source.getFileName() + ": too short for its verity top block");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] root = VerityHashTree.rootFromTopBlock(top, salt);
        if (!MessageDigest.isEqual(root, parseHex(v.rootHash(), "root hash"))) {
            throw new EflowException("rootfs.verity: root hash " + hex.formatHex(root)
                    + " does not match the manifest (image corrupt or tampered)");
        }
    }

    private static byte[] parseHex(String text, String what) {
        try {
            return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new EflowException("image manifest has an invalid verity " + what);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
