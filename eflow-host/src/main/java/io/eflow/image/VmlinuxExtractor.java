package io.eflow.image;

import io.eflow.platform.EflowException;
import org.tukaani.xz.SingleXZInputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Gets the uncompressed kernel ELF out of a bzImage (Debian's vmlinuz): the kernel inside is one XZ stream, so
 * find its magic and decompress from there. QEMU boots the result through its PVH entry without running the
 * decompressor, which under TCG is seconds saved per boot.
 */
final class VmlinuxExtractor {
    private static final byte[] XZ_MAGIC = {(byte) 0xFD, '7', 'z', 'X', 'Z', 0};
    private static final byte[] ELF_MAGIC = {0x7F, 'E', 'L', 'F'};

    private VmlinuxExtractor() {
    }

    /**
     * The first XZ stream in {@code image} that decompresses to a 64-bit ELF, cut to the ELF's own end (the
     * kernel's relocation table follows it in the stream and is of no use to a direct boot).
     */
    static byte[] extract(byte[] image) {
        for (int at = indexOf(image, XZ_MAGIC, 0); at >= 0; at = indexOf(image, XZ_MAGIC, at + 1)) {
            byte[] out;
            try (InputStream in = new SingleXZInputStream(new ByteArrayInputStream(image, at, image.length - at))) {
                ByteArrayOutputStream sink = new ByteArrayOutputStream(image.length * 5);
                in.transferTo(sink);
                out = sink.toByteArray();
            } catch (IOException e) {
                continue; // a magic that happens to occur in other data: try the next one
            }
            if (out.length > 64 && Arrays.equals(out, 0, 4, ELF_MAGIC, 0, 4) && out[4] == 2) {
                return Arrays.copyOf(out, (int) Math.min(out.length, elfEnd(out)));
            }
        }
        throw EflowException.failure("no XZ-compressed ELF kernel found in the kernel image (is it an XZ bzImage?)", null);
    }

    /** The end of an ELF64 file as its headers describe it: the furthest section, segment or header table. */
    static long elfEnd(byte[] elf) {
        ByteBuffer b = ByteBuffer.wrap(elf).order(elf[5] == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        long phoff = b.getLong(0x20);
        long shoff = b.getLong(0x28);
        int phentsize = Short.toUnsignedInt(b.getShort(0x36));
        int phnum = Short.toUnsignedInt(b.getShort(0x38));
        int shentsize = Short.toUnsignedInt(b.getShort(0x3A));
        int shnum = Short.toUnsignedInt(b.getShort(0x3C));
        long end = Math.max(phoff + (long) phentsize * phnum, shoff + (long) shentsize * shnum);
        for (int i = 0; i < phnum; i++) {
            int h = (int) (phoff + (long) i * phentsize);
            end = Math.max(end, b.getLong(h + 0x08) + b.getLong(h + 0x20));
        }
        for (int i = 0; i < shnum; i++) {
            int h = (int) (shoff + (long) i * shentsize);
            int type = b.getInt(h + 0x04);
            if (type != 8) { // SHT_NOBITS occupies no file bytes
                end = Math.max(end, b.getLong(h + 0x18) + b.getLong(h + 0x20));
            }
        }
        return end;
    }

    static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = Math.max(0, from); i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
