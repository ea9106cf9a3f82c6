package io.eflow.image;

import io.eflow.platform.EflowException;
import org.junit.jupiter.api.Test;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZ;
import org.tukaani.xz.XZOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VmlinuxExtractorTest {
    /** An ELF64 with one program header whose segment ends the file at {@code size} bytes. */
    static byte[] tinyElf(int size) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0});
        b.putShort(0x10, (short) 2).putShort(0x12, (short) 0x3E).putInt(0x14, 1);
        b.putLong(0x20, 64).putLong(0x28, 0); // phoff, no section headers
        b.putShort(0x34, (short) 64).putShort(0x36, (short) 56).putShort(0x38, (short) 1);
        b.putShort(0x3A, (short) 64).putShort(0x3C, (short) 0);
        b.putInt(64, 1).putLong(64 + 0x08, 128).putLong(64 + 0x20, size - 128); // PT_LOAD at 128 to the end
        Random random = new Random(7);
        for (int i = 128; i < size; i++) {
            b.put(i, (byte) random.nextInt(8));
        }
        return b.array();
    }

    static byte[] xz(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (XZOutputStream xz = new XZOutputStream(out, new LZMA2Options(1), XZ.CHECK_CRC32)) {
            xz.write(data);
        }
        return out.toByteArray();
    }

    @Test
    void findsTheXzKernelInABlobAndCutsTheElfToItsOwnEnd() throws IOException {
        byte[] elf = tinyElf(20_000);
        byte[] relocs = new byte[300];
        Arrays.fill(relocs, (byte) 0x5A);
        byte[] stream = xz(concat(elf, relocs)); // the kernel's stream: ELF then relocation table
        byte[] setup = new byte[5000];
        new Random(1).nextBytes(setup);
        // A stray magic in the set-up code with garbage after it must be skipped.
        System.arraycopy(new byte[] {(byte) 0xFD, '7', 'z', 'X', 'Z', 0, 1, 2, 3}, 0, setup, 1000, 9);
        byte[] image = concat(setup, stream, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});

        byte[] vmlinux = VmlinuxExtractor.extract(image);
        assertThat(vmlinux).isEqualTo(elf);
        assertThat(VmlinuxExtractor.elfEnd(concat(elf, relocs))).isEqualTo(elf.length);
    }

    @Test
    void refusesAnImageWithoutAnXzElf() throws IOException {
        byte[] notElf = xz("just text, not a kernel".repeat(10).getBytes());
        assertThatThrownBy(() -> VmlinuxExtractor.extract(concat(new byte[100], notElf)))
                .isInstanceOf(EflowException.class).hasMessageContaining("no XZ-compressed ELF kernel");
        assertThatThrownBy(() -> VmlinuxExtractor.extract(new byte[4096])).isInstanceOf(EflowException.class);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
