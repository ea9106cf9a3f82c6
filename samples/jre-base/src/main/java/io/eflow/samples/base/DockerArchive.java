package io.eflow.samples.base;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * A one-layer image in the `docker save` layout (manifest.json, the config, the gzipped layer), the form that Jib
 * reads from a {@code tar://} base image. Owners are root, times are the one given: equal contents, equal bytes.
 */
final class DockerArchive {
    static final String LAYER_NAME = "layer.tar.gz";
    static final String CONFIG_NAME = "config.json";

    private DockerArchive() {
    }

    /** Writes the layer as tar.gz to {@code target}; returns its diff id (sha256 of the uncompressed tar). */
    static String writeLayer(LayerContents contents, Instant mtime, Path target) throws IOException {
        MessageDigest uncompressed = LayerContents.sha256();
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(target), 1 << 16);
             GZIPOutputStream gzip = new BestGzip(file);
             DigestOutputStream digest = new DigestOutputStream(gzip, uncompressed);
             TarArchiveOutputStream tar = newTar(digest)) {
            for (LayerContents.Entry entry : contents.entries()) {
                TarArchiveEntry header = switch (entry.kind()) {
                    case DIRECTORY -> new TarArchiveEntry(entry.path() + "/", TarConstants.LF_DIR);
                    case SYMLINK -> {
                        TarArchiveEntry link = new TarArchiveEntry(entry.path(), TarConstants.LF_SYMLINK);
                        link.setLinkName(entry.linkTarget());
                        yield link;
                    }
                    case FILE -> {
                        TarArchiveEntry regular = new TarArchiveEntry(entry.path(), TarConstants.LF_NORMAL);
                        regular.setSize(entry.size());
                        yield regular;
                    }
                };
                header.setMode(modeBits(entry.kind()) | entry.mode());
                putHeader(tar, header, mtime);
                if (entry.kind() == LayerContents.Kind.FILE) {
                    try (InputStream in = entry.open()) {
                        long copied = in.transferTo(tar);
                        if (copied != header.getSize()) {
                            throw new IOException(entry.path() + " changed while it was being written");
                        }
                    }
                }
                tar.closeArchiveEntry();
            }
            tar.finish();
        }
        return "sha256:" + HexFormat.of().formatHex(uncompressed.digest());
    }

    /** The whole archive: manifest.json naming the config and the one layer, written atomically. */
    static void write(Path output, Path layer, String configJson, String tag, Instant mtime) throws IOException {
        String manifest = "[{\"Config\":" + Json.string(CONFIG_NAME) + ",\"RepoTags\":[" + Json.string(tag)
                + "],\"Layers\":[" + Json.string(LAYER_NAME) + "]}]\n";
        Path partial = output.resolveSibling(output.getFileName() + ".partial");
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16);
             TarArchiveOutputStream tar = newTar(file)) {
            for (var named : List.of(new Named("manifest.json", manifest), new Named(CONFIG_NAME, configJson))) {
                byte[] bytes = named.content().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(named.name(), TarConstants.LF_NORMAL);
                entry.setSize(bytes.length);
                entry.setMode(0100644);
                putHeader(tar, entry, mtime);
                tar.write(bytes);
                tar.closeArchiveEntry();
            }
            TarArchiveEntry entry = new TarArchiveEntry(LAYER_NAME, TarConstants.LF_NORMAL);
            entry.setSize(Files.size(layer));
            entry.setMode(0100644);
            putHeader(tar, entry, mtime);
            Files.copy(layer, tar);
            tar.closeArchiveEntry();
            tar.finish();
        }
        Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private record Named(String name, String content) {
    }

    private static TarArchiveOutputStream newTar(OutputStream out) {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        tar.setAddPaxHeadersForNonAsciiNames(true);
        return tar;
    }

    private static void putHeader(TarArchiveOutputStream tar, TarArchiveEntry entry, Instant mtime)
            throws IOException {
        entry.setModTime(Date.from(mtime));
        entry.setUserId(0);
        entry.setGroupId(0);
        entry.setUserName("root");
        entry.setGroupName("root");
        tar.putArchiveEntry(entry);
    }

    private static int modeBits(LayerContents.Kind kind) {
        return switch (kind) {
            case DIRECTORY -> 040000;
            case SYMLINK -> 0120000;
            case FILE -> 0100000;
        };
    }

    /** gzip at level 9: the base layer is made once and pulled into a small VM many times. */
    private static final class BestGzip extends GZIPOutputStream {
        BestGzip(OutputStream out) throws IOException {
            super(out, 1 << 16);
            def.setLevel(Deflater.BEST_COMPRESSION);
        }
    }
}
