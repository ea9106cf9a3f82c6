package io.eflow.edge.image;

import com.sun.security.auth.module.UnixSystem;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Unpacks image layers into one directory, lowest layer first, so the directory ends up as the image's root
 * filesystem. OCI whiteouts in a layer remove what the layers below put there: {@code .wh.<name>} deletes
 * {@code <name>}, {@code .wh..wh..opq} empties its directory of everything but this layer's own entries.
 *
 * <p>Layers are untrusted input: entries with absolute names, {@code ..}, or a path through a symbolic link are
 * refused, so nothing is ever written outside the target. Modes are kept (ownership too when running as root);
 * device nodes and FIFOs are skipped with a warning, since Java cannot create them.
 */
public final class LayerExtractor {
    private static final System.Logger LOG = System.getLogger(LayerExtractor.class.getName());
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private final boolean root = new UnixSystem().getUid() == 0;

    /** Extracts one layer blob (tar, optionally gzip-compressed) over what {@code target} already holds. */
    public void extract(Path layer, Path target) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(layer))) {
            extract(in, target.toAbsolutePath().normalize(), layer.getFileName().toString());
        } catch (IOException e) {
            throw new ImageException("cannot extract layer " + layer.getFileName() + " into " + target + ": "
                    + ImageException.printable(String.valueOf(e.getMessage())), e);
        }
    }

    private void extract(InputStream raw, Path target, String name) throws IOException {
        Files.createDirectories(target);
        Set<Path> written = new HashSet<>();
        Map<Path, TarArchiveEntry> directories = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(decompress(raw, name))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                Path path = resolve(target, entry.getName(), name);
                if (path.equals(target)) {
                    directories.put(path, entry);
                    continue;
                }
                String base = path.getFileName().toString();
                if (base.equals(OPAQUE)) {
                    emptyExcept(path.getParent(), written);
                } else if (base.startsWith(WHITEOUT)) {
                    String hidden = base.substring(WHITEOUT.length());
                    if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
                        throw escape(name, entry.getName(), "a whiteout of '" + hidden + "'");
                    }
                    deleteTree(path.resolveSibling(hidden));
                } else if (write(tar, entry, path, target, name)) {
                    written.add(path);
                    if (entry.isDirectory()) {
                        directories.put(path, entry);
                    }
                }
            }
        }
        // Directory modes last: a read-only directory must still take the files the layer puts in it.
        for (Map.Entry<Path, TarArchiveEntry> dir : directories.entrySet()) {
            attributes(dir.getKey(), dir.getValue());
        }
    }

    private static InputStream decompress(InputStream in, String name) throws IOException {
        in.mark(4);
        byte[] magic = in.readNBytes(4);
        in.reset();
        if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
            return new GzipCompressorInputStream(in, true);
        }
        if (magic.length == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5
                && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd) {
            // commons-compress reads zstd only through the zstd-jni native library, which the guest does not ship.
            throw new ImageException("layer " + name + " is zstd-compressed, which eflow does not unpack yet; "
                    + "push the image with gzip layers");
        }
        return in;
    }

    /** The entry's place under target, refusing any name that would land outside it. */
    private static Path resolve(Path target, String entryName, String layer) throws IOException {
        refuseNul(entryName, layer);
        if (entryName.startsWith("/")) {
            throw escape(layer, entryName, "it is an absolute path");
        }
        Path path = target;
        for (String part : entryName.split("/")) {
            if (part.equals("..")) {
                throw escape(layer, entryName, "it climbs out with '..'");
            }
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            // Only the directories above the entry are checked: the entry itself may replace a link.
            if (!path.equals(target) && Files.isSymbolicLink(path)) {
                throw escape(layer, entryName, "it passes through the symbolic link " + target.relativize(path));
            }
            path = path.resolve(part);
        }
        return path;
    }

    private static ImageException escape(String layer, String entry, String why) {
        return new ImageException("layer " + layer + " is refused: entry '" + ImageException.printable(entry)
                + "' would be written outside the image root (" + ImageException.printable(why) + ")");
    }

    /** No file system takes a NUL in a name; a tar header can hold one (a PAX path, a link name). */
    private static void refuseNul(String name, String layer) {
        if (name.indexOf('\0') >= 0) {
            throw new ImageException("layer " + layer + " is refused: entry '" + ImageException.printable(name)
                    + "' has a NUL character in its name");
        }
    }

    /** @return whether something was created */
    private boolean write(TarArchiveInputStream tar, TarArchiveEntry entry, Path path, Path target, String layer) throws IOException {
        Files.createDirectories(path.getParent());
        if (entry.isDirectory()) {
            if (!Files.isDirectory(path, NOFOLLOW)) {
                deleteTree(path);
                Files.createDirectory(path);
            }
            return true;
        }
        if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
            LOG.log(Level.WARNING, "layer {0}: skipping device node or FIFO {1}", layer, entry.getName());
            return false;
        }
        // An upper layer's entry replaces whatever the lower layers had at that name.
        deleteTree(path);
        if (entry.isSymbolicLink()) {
            refuseNul(entry.getLinkName(), layer);
            Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
            mtime(path, entry);
            return true;
        }
        if (entry.isLink()) {
            Files.createLink(path, resolve(target, entry.getLinkName(), layer));
            return true;
        }
        try (var out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            tar.transferTo(out);
        }
        attributes(path, entry);
        return true;
    }

    private void attributes(Path path, TarArchiveEntry entry) throws IOException {
        // unix:mode keeps setuid/setgid/sticky, which PosixFilePermissions cannot express.
        Files.setAttribute(path, "unix:mode", entry.getMode() & 07777, NOFOLLOW);
        if (root) {
            Files.setAttribute(path, "unix:uid", (int) entry.getLongUserId(), NOFOLLOW);
            Files.setAttribute(path, "unix:gid", (int) entry.getLongGroupId(), NOFOLLOW);
            // chown clears setuid/setgid: set the mode again.
            Files.setAttribute(path, "unix:mode", entry.getMode() & 07777, NOFOLLOW);
        }
        mtime(path, entry);
    }

    private static void mtime(Path path, TarArchiveEntry entry) throws IOException {
        Files.getFileAttributeView(path, BasicFileAttributeView.class, NOFOLLOW)
                .setTimes(FileTime.from(entry.getLastModifiedTime().toInstant()), null, null);
    }

    private static void emptyExcept(Path dir, Set<Path> keep) throws IOException {
        if (!Files.isDirectory(dir, NOFOLLOW)) {
            return;
        }
        List<Path> children;
        try (Stream<Path> list = Files.list(dir)) {
            children = list.filter(child -> !keep.contains(child)).toList();
        }
        for (Path child : children) {
            deleteTree(child);
        }
    }

    /** Deletes a file, link or whole directory without following links. */
    private static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, NOFOLLOW)) {
            return;
        }
        if (Files.isDirectory(path, NOFOLLOW)) {
            List<Path> all = new ArrayList<>();
            try (Stream<Path> walk = Files.walk(path)) {
                walk.sorted(Comparator.reverseOrder()).forEach(all::add);
            }
            for (Path p : all) {
                Files.delete(p);
            }
        } else {
            Files.delete(path);
        }
    }
}
