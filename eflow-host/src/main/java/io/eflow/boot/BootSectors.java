package io.eflow.boot;

import io.eflow.platform.EflowException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Reads and writes the boot-control file's sectors: 0 the {@link BootControl} record, 1 the {@link TrialRecord},
 * 2 the {@link TrialResult}. Each sector is one ASCII line and zeros, written in place and synced, so busybox
 * {@code dd} in the initramfs and the guest's shell read and write exactly the bytes this class does.
 */
public final class BootSectors {
    private BootSectors() {
    }

    /** The line in the sector at {@code offset}, or empty when the sector is blank (zeros). */
    public static Optional<String> readLine(Path file, long offset) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(BootControl.SECTOR);
            while (buffer.hasRemaining() && channel.read(buffer, offset + buffer.position()) > 0) {
                // until the sector is full or the file ends
            }
            byte[] sector = buffer.array();
            int end = 0;
            while (end < sector.length && sector[end] != 0 && sector[end] != '\n') {
                end++;
            }
            String line = new String(sector, 0, end, StandardCharsets.US_ASCII).strip();
            return line.isEmpty() ? Optional.empty() : Optional.of(line);
        } catch (IOException e) {
            throw EflowException.failure("cannot read the boot-control file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code line} (or zeros for {@code null}) into the sector at {@code offset} and syncs. */
    public static void writeLine(Path file, long offset, String line) {
        byte[] sector = new byte[BootControl.SECTOR];
        if (line != null) {
            byte[] text = (line + "\n").getBytes(StandardCharsets.US_ASCII);
            if (text.length > sector.length) {
                throw new IllegalArgumentException("a boot-control line is at most 511 bytes");
            }
            System.arraycopy(text, 0, sector, 0, text.length);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(sector);
            while (buffer.hasRemaining()) {
                channel.write(buffer, offset + buffer.position());
            }
            channel.force(true);
        } catch (IOException e) {
            throw EflowException.failure("cannot write the boot-control file " + file + ": " + e.getMessage(), e);
        }
    }

    public static Optional<TrialRecord> trial(Path file) {
        return readLine(file, TrialRecord.OFFSET).map(TrialRecord::parse);
    }

    public static void writeTrial(Path file, TrialRecord trial) {
        writeLine(file, TrialRecord.OFFSET, trial == null ? null : trial.format());
    }

    /** The last trial's result; an unreadable line counts as none (the guest may have been cut off writing it). */
    public static Optional<TrialResult> result(Path file) {
        try {
            return readLine(file, TrialResult.OFFSET).map(TrialResult::parse);
        } catch (EflowException e) {
            return Optional.empty();
        }
    }

    public static void writeResult(Path file, TrialResult result) {
        writeLine(file, TrialResult.OFFSET, result == null ? null : result.format());
    }

    static String printable(String text) {
        String cut = text.length() > 400 ? text.substring(0, 400) + "..." : text;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
