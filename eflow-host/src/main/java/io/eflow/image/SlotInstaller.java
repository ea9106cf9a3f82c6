package io.eflow.image;

import io.eflow.contract.files.AtomicFile;
import io.eflow.platform.EflowException;
import io.eflow.platform.PipedCopy;
import io.eflow.platform.Progress;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;

/**
 * Writes an image into a root slot (the seeds' RootFS A/B partitions, here sparse files) and re-checks slots.
 * Layout of a slot: the erofs at offset 0, its verity hash tree right after the data
 * ({@code hashOffset = dataBlocks * 4096}), the rest of the 4 GiB a hole. One file is what dm-verity
 * (qemu: both table devices are {@code /dev/vda}) and the Java check (namespace backend) both read.
 */
public final class SlotInstaller {
    /** The seed's RootFS partition size. */
    public static final long SLOT_SIZE = 4L << 30;
    /** A progress report per 8 MiB copied: a bar that moves without costing the copy anything measurable. */
    private static final long COPY_CHUNK = 8L << 20;

    private SlotInstaller() {
    }

    /** Where the parts of an installed image sit in its slot, and what the dm-verity target needs. */
    public record SlotLayout(Path file, long dataBlocks, long hashOffset, String salt, String rootHash) {
        /** The device-mapper table for {@code dmsetup create --readonly}, data and tree on one device. */
        public String dmVerityTable(String device) {
            long sectors = dataBlocks * (VerityHashTree.BLOCK_SIZE / 512);
            long hashStartBlock = hashOffset / VerityHashTree.BLOCK_SIZE;
            return "0 " + sectors + " verity 1 " + device + " " + device + " " + VerityHashTree.BLOCK_SIZE + " "
                    + VerityHashTree.BLOCK_SIZE + " " + dataBlocks + " " + hashStartBlock + " sha256 " + rootHash + " " + salt;
        }
    }

    public static SlotLayout layout(Path slotFile, ImageManifest.Verity verity) {
        return new SlotLayout(slotFile, verity.dataBlocks(), verity.hashOffset(), verity.salt(), verity.rootHash());
    }

    /**
     * Writes the image into {@code slotFile}, replacing it only once the new content is complete and on
     * disk, so an interrupted install never leaves a slot that is half old, half new.
     */
    public static SlotLayout install(GuestImage image, Path slotFile) {
        return install(image, slotFile, Progress.of(line -> { }), slotFile.getFileName().toString());
    }

    /** As above, reporting the bytes written as {@code step} (the line that announced the install). */
    public static SlotLayout install(GuestImage image, Path slotFile, Progress progress, String step) {
        try (StagedSlot staged = stage(slotFile, image.verity(), image.version())) {
            long total = staged.layout().hashOffset() + staged.treeBytes();
            ByteReport report = written -> progress.bytes(step, written, total);
            copyExactly(image.rootfs(), staged, 0, staged.layout().hashOffset(), report);
            copyExactly(image.verityTree(), staged, staged.layout().hashOffset(), staged.treeBytes(), report);
            return staged.commit();
        } catch (IOException e) {
            throw EflowException.failure("cannot write root slot " + slotFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * A slot being written: its temporary file, where the filesystem goes (offset 0) and where its hash tree goes
     * ({@link SlotLayout#hashOffset()}). Nothing replaces the slot until {@link #commit()}; closing without it
     * deletes the temporary file. For writers that stream the parts (an update bundle) rather than copy files.
     */
    public static StagedSlot stage(Path slotFile, ImageManifest.Verity verity, String version) {
        SlotLayout layout = layout(slotFile, verity);
        long treeBytes = VerityHashTree.layout(verity.dataBlocks()).hashBytes();
        long needed = layout.hashOffset() + treeBytes;
        if (needed > SLOT_SIZE) {
            throw new EflowException("image " + version + " needs " + (needed >> 20)
                    + " MiB with its hash tree: it does not fit a " + (SLOT_SIZE >> 30) + " GiB root slot");
        }
        try {
            return new StagedSlot(layout, treeBytes, AtomicFile.create(slotFile));
        } catch (IOException e) {
            throw EflowException.failure("cannot write root slot " + slotFile + ": " + e.getMessage(), e);
        }
    }

    /** See {@link #stage}. */
    public static final class StagedSlot implements AutoCloseable {
        private final SlotLayout layout;
        private final long treeBytes;
        private final AtomicFile file;

        private StagedSlot(SlotLayout layout, long treeBytes, AtomicFile file) {
            this.layout = layout;
            this.treeBytes = treeBytes;
            this.file = file;
        }

        public SlotLayout layout() {
            return layout;
        }

        /** The size of the hash tree the manifest's verity parameters call for. */
        public long treeBytes() {
            return treeBytes;
        }

        /** Copies exactly {@code count} bytes from {@code in} into the temporary slot at {@code position}. */
        public void write(ReadableByteChannel in, long position, long count) throws IOException {
            file.transferFrom(in, position, count);
        }

        /**
         * As above from a stream that does work of its own as it is read (a bundle part digested as it passes): its
         * reading and the writing overlap ({@link PipedCopy}) rather than take turns.
         */
        public void write(InputStream in, long position, long count) throws IOException {
            PipedCopy.copy(in, file.channel(), position, count);
        }

        /** Sizes the slot (a hole after the tree), forces it to disk and renames it over the slot file. */
        public SlotLayout commit() throws IOException {
            file.setLength(SLOT_SIZE);
            file.commit();
            return layout;
        }

        @Override
        public void close() {
            file.close();
        }
    }

    /**
     * Re-checks every block of a slot against a trusted root hash (the manifest's). Catches any changed byte
     * in the filesystem (superblock included), in the hash tree, or in the tree's padding.
     */
    public static void verifySlot(Path slotFile, ImageManifest.Verity verity) {
        verifySlot(layout(slotFile, verity));
    }

    /** The same check from a recorded layout (what {@link #install} returned). */
    public static void verifySlot(SlotLayout layout) {
        Path slotFile = layout.file();
        HexFormat hex = HexFormat.of();
        byte[] salt;
        byte[] root;
        try {
            salt = hex.parseHex(layout.salt());
            root = hex.parseHex(layout.rootHash());
        } catch (IllegalArgumentException e) {
            throw new EflowException("invalid verity salt or root hash for slot " + slotFile);
        }
        try (FileChannel in = FileChannel.open(slotFile, StandardOpenOption.READ)) {
            long needed = layout.hashOffset() + VerityHashTree.layout(layout.dataBlocks()).hashBytes();
            if (layout.hashOffset() < layout.dataBlocks() * VerityHashTree.BLOCK_SIZE || in.size() < needed) {
                throw EflowException.failure("root slot " + slotFile.getFileName() + " is too small for its image"
                        + " (slot corrupt or truncated)", null);
            }
            try {
                VerityHashTree.verify(in, 0, in, layout.hashOffset(), layout.dataBlocks(), salt, root);
            } catch (EflowException e) {
                throw EflowException.failure("root slot " + slotFile.getFileName() + ": " + e.getMessage()
                        + " (slot corrupt or tampered)", e);
            }
        } catch (IOException e) {
            throw EflowException.failure("cannot read root slot " + slotFile + ": " + e.getMessage(), e);
        }
    }

    /** Copies in chunks so a long copy reports how far it got: {@code report} hears the slot offset reached. */
    private static void copyExactly(Path source, StagedSlot out, long position, long expected, ByteReport report) throws IOException {
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ)) {
            if (in.size() != expected) {
                throw EflowException.failure(source.getFileName() + ": size " + in.size() + ", expected " + expected
                        + " (image changed since it was verified)", null);
            }
            for (long copied = 0; copied < expected; ) {
                long chunk = Math.min(COPY_CHUNK, expected - copied);
                out.write(in, position + copied, chunk);
                copied += chunk;
                report.reached(position + copied);
            }
        }
    }

    private interface ByteReport {
        void reached(long offset);
    }
}
