package io.eflow.platform;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipedCopyTest {
    @TempDir
    Path tmp;

    @Test
    void copiesExactlyTheCountToThePositionWhateverTheBlocks() throws IOException {
        // more blocks than are in flight, and a last one that is not full
        byte[] data = new byte[PipedCopy.BLOCK_SIZE * (PipedCopy.BLOCKS + 3) + 12345];
        new Random(1).nextBytes(data);
        Path file = tmp.resolve("out");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            PipedCopy.copy(new ByteArrayInputStream(data), out, 100, data.length - 7);
        }
        byte[] written = Files.readAllBytes(file);
        assertThat(written).hasSize(100 + data.length - 7);
        assertThat(Arrays.copyOfRange(written, 0, 100)).containsOnly(0);
        assertThat(Arrays.copyOfRange(written, 100, written.length)).isEqualTo(Arrays.copyOf(data, data.length - 7));
    }

    @Test
    void aShortStreamIsAnError() throws IOException {
        try (FileChannel out = FileChannel.open(tmp.resolve("out"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            assertThatThrownBy(() -> PipedCopy.copy(new ByteArrayInputStream(new byte[PipedCopy.BLOCK_SIZE + 1]), out, 0,
                    3L * PipedCopy.BLOCK_SIZE))
                    .isInstanceOf(EOFException.class)
                    .hasMessage("the stream ended after " + (PipedCopy.BLOCK_SIZE + 1) + " of " + 3L * PipedCopy.BLOCK_SIZE + " bytes");
        }
    }

    @Test
    void aFailedWriteStopsTheCopyAndIsTheCallersError() throws IOException {
        Path file = tmp.resolve("out");
        Files.write(file, new byte[0]);
        byte[] data = new byte[PipedCopy.BLOCK_SIZE * (PipedCopy.BLOCKS * 2)];
        try (FileChannel readOnly = FileChannel.open(file, StandardOpenOption.READ)) {
            assertThatThrownBy(() -> PipedCopy.copy(new ByteArrayInputStream(data), readOnly, 0, data.length))
                    .isInstanceOf(IOException.class)
                    .hasCauseInstanceOf(IOException.class)
                    .rootCause().isInstanceOf(NonWritableChannelException.class);
            assertThat(readOnly.isOpen()).isTrue();
        }
    }
}
