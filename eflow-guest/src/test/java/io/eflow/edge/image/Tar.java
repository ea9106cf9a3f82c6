package io.eflow.edge.image;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Builds small image layers in memory, entry by entry, as a registry would serve them. */
final class Tar {
    private final List<Consumer<TarArchiveOutputStream>> entries = new ArrayList<>();

    Tar dir(String name, int mode) {
        return entry(new TarArchiveEntry(name.endsWith("/") ? name : name + "/"), mode, new byte[0]);
    }

    Tar file(String name, String content) {
        return file(name, content, 0644);
    }

    Tar file(String name, String content, int mode) {
        return entry(new TarArchiveEntry(name), mode, content.getBytes(StandardCharsets.UTF_8));
    }

    Tar file(String name, byte[] content) {
        return entry(new TarArchiveEntry(name), 0644, content);
    }

    Tar symlink(String name, String target) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
        entry.setLinkName(target);
        return entry(entry, 0777, new byte[0]);
    }

    Tar hardlink(String name, String target) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_LINK);
        entry.setLinkName(target);
        return entry(entry, 0644, new byte[0]);
    }

    /** A name taken as given: commons-compress would otherwise strip a leading '/'. */
    Tar raw(String name) {
        return entry(new TarArchiveEntry(name, true), 0644, "x".getBytes(StandardCharsets.UTF_8));
    }

    private Tar entry(TarArchiveEntry entry, int mode, byte[] content) {
        entries.add(out -> {
            try {
                entry.setMode((entry.isDirectory() ? 040000 : entry.isSymbolicLink() ? 0120000 : 0100000) | mode);
                entry.setSize(entry.isFile() && !entry.isLink() ? content.length : 0);
                out.putArchiveEntry(entry);
                out.write(content);
                out.closeArchiveEntry();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return this;
    }

    byte[] tar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        write(bytes);
        return bytes.toByteArray();
    }

    byte[] gzip() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            write(new GzipCompressorOutputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private void write(OutputStream target) {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(target)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            entries.forEach(e -> e.accept(tar));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
