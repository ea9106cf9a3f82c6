package io.eflow.image;

import io.eflow.platform.EflowException;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns a folder holding {@code rootfs.erofs} into a finished image: block-aligns the filesystem, writes
 * its verity hash tree, then the manifest (sizes, digests, verity parameters) and its signature. The
 * builder's last step, and the way tests make small real images.
 */
final class ImageSealer {
    private ImageSealer() {
    }

    static GuestImage seal(Path dir, ImageIdentity identity, byte[] salt, ReleaseKeys keys, Consumer<String> progress) {
        return seal(dir, identity, salt, keys, List.of(), progress);
    }

    /** As above, with further files of {@code dir} (the boot parts) signed as parts too. */
    static GuestImage seal(Path dir, ImageIdentity identity, byte[] salt, ReleaseKeys keys, List<String> extraParts,
                           Consumer<String> progress) {
        try {
            Path rootfs = dir.resolve(GuestImage.ROOTFS);
            padToBlocks(rootfs);
            VerityHashTree.Tree tree = VerityHashTree.compute(rootfs, salt);
            Path verityFile = dir.resolve(GuestImage.VERITY);
            Files.write(verityFile, tree.hashArea());
            HexFormat hex = HexFormat.of();
            progress.accept("verity: root hash " + hex.formatHex(tree.rootHash()));

            List<ImageManifest.Part> parts = new ArrayList<>(List.of(part(rootfs), part(verityFile)));
            for (String extra : extraParts) {
                parts.add(part(dir.resolve(extra)));
            }
            ImageManifest manifest = new ImageManifest(ImageManifest.NAME, identity.version(), identity.arch(),
                    identity.created(), identity.recipeHash(), parts,
                    new ImageManifest.Verity("sha256", VerityHashTree.BLOCK_SIZE, VerityHashTree.BLOCK_SIZE,
                            tree.layout().dataBlocks(), hex.formatHex(salt), hex.formatHex(tree.rootHash())));
            byte[] json = manifest.toJson();
            Files.write(dir.resolve(GuestImage.MANIFEST), json);
            Files.write(dir.resolve(GuestImage.SIGNATURE), keys.sign(json).toJson());
            progress.accept("signed with release key " + keys.keyId());
            return new GuestImage(dir, manifest);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write image files in " + dir, e);
        }
    }

    /** erofs ignores bytes past its end; dm-verity and the slot layout need whole blocks. */
    private static void padToBlocks(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            long size = raf.length();
            if (size == 0) {
                throw EflowException.failure(file + " is empty", null);
            }
            long blocks = (size + VerityHashTree.BLOCK_SIZE - 1) / VerityHashTree.BLOCK_SIZE;
            raf.setLength(blocks * VerityHashTree.BLOCK_SIZE);
        }
    }

    private static ImageManifest.Part part(Path file) throws IOException {
        return new ImageManifest.Part(file.getFileName().toString(), Files.size(file), FileDigests.sha256(file));
    }
}
