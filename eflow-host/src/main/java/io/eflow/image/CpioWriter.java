package io.eflow.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The "newc" cpio format the kernel unpacks an initramfs from: a 110-byte ASCII header per entry, name and data
 * each padded to 4 bytes, and a {@code TRAILER!!!} entry. Entries get increasing inode numbers, one link and a
 * fixed time, so the same content gives the same bytes.
 */
final class CpioWriter implements AutoCloseable {
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;
    static final int S_IFCHR = 0020000;

    private final OutputStream out;
    private final long mtime;
    private long written;
    private int inode = 1;
    private boolean finished;

    CpioWriter(OutputStream out, long mtime) {
        this.out = out;
        this.mtime = mtime;
    }

    void directory(String name, int permissions) throws IOException {
        entry(name, S_IFDIR | permissions, 2, 0, 0, new byte[0]);
    }

    void file(String name, int permissions, byte[] content) throws IOException {
        entry(name, S_IFREG | permissions, 1, 0, 0, content);
    }

    void symlink(String name, String target) throws IOException {
        entry(name, S_IFLNK | 0777, 1, 0, 0, target.getBytes(StandardCharsets.UTF_8));
    }

    void charDevice(String name, int permissions, int major, int minor) throws IOException {
        entry(name, S_IFCHR | permissions, 1, major, minor, new byte[0]);
    }

    private void entry(String name, int mode, int links, int rdevMajor, int rdevMinor, byte[] data) throws IOException {
        if (name.startsWith("/") || name.isEmpty()) {
            throw new IllegalArgumentException("cpio names are relative: " + name);
        }
        header(inode++, mode, links, data.length, rdevMajor, rdevMinor, name);
        write(data);
        pad();
    }

    private void header(int ino, int mode, int links, long size, int rdevMajor, int rdevMinor, String name) throws IOException {
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder("070701");
        for (long field : new long[] {ino, mode, 0, 0, links, mtime, size, 0, 0, rdevMajor, rdevMinor, nameBytes.length, 0}) {
            h.append(String.format("%08X", field));
        }
        write(h.toString().getBytes(StandardCharsets.US_ASCII));
        write(nameBytes);
        pad();
    }

    private void write(byte[] bytes) throws IOException {
        out.write(bytes);
        written += bytes.length;
    }

    private void pad() throws IOException {
        while (written % 4 != 0) {
            out.write(0);
            written++;
        }
    }

    /** Writes the trailer; the stream stays open for the caller. */
    void finish() throws IOException {
        if (!finished) {
            finished = true;
            header(0, 0, 1, 0, 0, 0, "TRAILER!!!");
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        finish();
    }
}
