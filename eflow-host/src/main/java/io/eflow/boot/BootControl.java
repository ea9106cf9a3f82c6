package io.eflow.boot;

import io.eflow.instance.model.Slot;
import io.eflow.platform.EflowException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The boot-control record: which root slot is active, and which one (if any) is on trial with how many boots
 * left. It lives in sector 0 of {@code disks/bootctl.img} as one ASCII line plus zero padding, so that the
 * initramfs (busybox {@code head}/{@code dd}) reads and writes the very same bytes this class does.
 *
 * @param active the committed slot, {@code A} or {@code B}
 * @param trial  the slot on trial, {@code A} or {@code B}, or {@code null} for none ({@code -} on disk)
 * @param tries  boots the trial slot still gets; 0 when there is no trial
 */
public record BootControl(Slot active, Slot trial, int tries) {
    public static final int SECTOR = 512;
    /** The record file's size; the rest past sector 0 is room for later fields. */
    public static final long FILE_BYTES = 1L << 20;
    static final String MAGIC = "EFLOWBOOT1";
    private static final Pattern LINE = Pattern.compile(MAGIC + " active=([AB]) trial=([AB-]) tries=([0-9]{1,3})");

    public BootControl {
        if (active == null) {
            throw new IllegalArgumentException("an active slot is needed");
        }
        if (tries < 0 || tries > 999) {
            throw new IllegalArgumentException("tries must be 0..999, not " + tries);
        }
        if (trial == null && tries != 0) {
            throw new IllegalArgumentException("tries without a trial slot");
        }
    }

    /** What a fresh instance starts with: slot A, nothing on trial. */
    public static BootControl initial() {
        return new BootControl(Slot.A, null, 0);
    }

    /** The slot to boot now and the record to write back (and sync) before that slot is mounted. */
    public record Choice(Slot slot, BootControl next) {
    }

    /**
     * The rule the initramfs applies too: a trial with tries left is booted and loses one try; a trial without
     * tries left has failed and is dropped, and the active slot boots.
     */
    public Choice choose() {
        if (trial != null && tries > 0) {
            return new Choice(trial, new BootControl(active, trial, tries - 1));
        }
        return new Choice(active, new BootControl(active, null, 0));
    }

    /** A trial of the other slot: the next boots try {@code slot} up to {@code tries} times. */
    public BootControl withTrial(Slot slot, int tries) {
        return new BootControl(active, slot, tries);
    }

    public String format() {
        return MAGIC + " active=" + active + " trial=" + (trial == null ? "-" : trial) + " tries=" + tries;
    }

    /** Sector 0 as written: the line, a newline, zeros. */
    public byte[] toSector() {
        byte[] line = (format() + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] sector = new byte[SECTOR];
        System.arraycopy(line, 0, sector, 0, line.length);
        return sector;
    }

    public static BootControl parse(String line) {
        Matcher m = LINE.matcher(line.strip());
        if (!m.matches()) {
            throw new EflowException("boot-control record is not valid: '" + printable(line) + "'");
        }
        Slot trial = m.group(2).equals("-") ? null : Slot.valueOf(m.group(2));
        int tries = Integer.parseInt(m.group(3));
        if (trial == null && tries != 0) {
            throw new EflowException("boot-control record has tries=" + tries + " but no trial slot");
        }
        return new BootControl(Slot.valueOf(m.group(1)), trial, tries);
    }

    /** Parses a sector: the text up to the first zero byte. */
    public static BootControl fromSector(byte[] sector) {
        int end = 0;
        while (end < sector.length && sector[end] != 0) {
            end++;
        }
        return parse(new String(sector, 0, end, StandardCharsets.US_ASCII));
    }

    public static BootControl read(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(SECTOR);
            while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
                // keep reading until the sector is full or the file ends
            }
            return fromSector(buffer.array());
        } catch (IOException e) {
            throw EflowException.failure("cannot read the boot-control record " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes sector 0 in place and syncs it; creates the 1 MiB file when missing. */
    public void write(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            if (channel.size() < FILE_BYTES) {
                channel.write(ByteBuffer.allocate(1), FILE_BYTES - 1);
            }
            ByteBuffer buffer = ByteBuffer.wrap(toSector());
            while (buffer.hasRemaining()) {
                channel.write(buffer, buffer.position());
            }
            channel.force(true);
        } catch (IOException e) {
            throw EflowException.failure("cannot write the boot-control record " + file + ": " + e.getMessage(), e);
        }
    }

    private static String printable(String text) {
        String cut = text.length() > 80 ? text.substring(0, 80) + "…" : text;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
