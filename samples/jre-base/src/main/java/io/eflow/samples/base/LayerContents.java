package io.eflow.samples.base;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The files of one image layer, by their path in the image (relative, no leading slash). Parent directories are
 * added on their own; entries come out sorted by path, so the same contents always give the same tar.
 */
final class LayerContents {
    enum Kind { DIRECTORY, FILE, SYMLINK }

    /** A file's bytes come from {@code source} (read through symlinks) or from {@code content}. */
    record Entry(String path, Kind kind, int mode, Path source, byte[] content, String linkTarget) {
        long size() throws IOException {
            return source != null ? Files.size(source) : content.length;
        }

        InputStream open() throws IOException {
            return source != null ? Files.newInputStream(source) : new ByteArrayInputStream(content);
        }
    }

    private final TreeMap<String, Entry> entries = new TreeMap<>();

    LayerContents directory(String path, int mode) {
        String clean = clean(path);
        addParents(clean);
        entries.put(clean, new Entry(clean, Kind.DIRECTORY, mode, null, null, null));
        return this;
    }

    /** A file copied from the host; {@code source} may be a symlink: its target's bytes are taken. */
    LayerContents file(String path, Path source, int mode) {
        String clean = clean(path);
        addParents(clean);
        entries.put(clean, new Entry(clean, Kind.FILE, mode, source, null, null));
        return this;
    }

    LayerContents file(String path, String content, int mode) {
        String clean = clean(path);
        addParents(clean);
        entries.put(clean, new Entry(clean, Kind.FILE, mode, null, content.getBytes(StandardCharsets.UTF_8), null));
        return this;
    }

    LayerContents symlink(String path, String target) {
        String clean = clean(path);
        addParents(clean);
        entries.put(clean, new Entry(clean, Kind.SYMLINK, 0777, null, null, target));
        return this;
    }

    /** A host directory tree under {@code prefix}: directories, files with their permissions, symlinks as links. */
    LayerContents tree(String prefix, Path root) throws IOException {
        String base = clean(prefix);
        directory(base, 0755);
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : (Iterable<Path>) walk.sorted()::iterator) {
                if (path.equals(root)) {
                    continue;
                }
                String inImage = base + "/" + root.relativize(path).toString().replace('\\', '/');
                if (Files.isSymbolicLink(path)) {
                    symlink(inImage, Files.readSymbolicLink(path).toString());
                } else if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    directory(inImage, 0755);
                } else {
                    file(inImage, path, (modeOf(path) & 0111) != 0 ? 0755 : 0644);
                }
            }
        }
        return this;
    }

    Collection<Entry> entries() {
        return entries.values();
    }

    boolean contains(String path) {
        return entries.containsKey(clean(path));
    }

    /**
     * A digest of everything that goes into the layer (paths, kinds, modes, link targets, bytes): equal
     * fingerprints mean an equal layer, so a build can keep the tar it already has.
     */
    String fingerprint(String salt) throws IOException {
        MessageDigest digest = sha256();
        digest.update(salt.getBytes(StandardCharsets.UTF_8));
        byte[] buffer = new byte[1 << 16];
        for (Entry entry : entries.values()) {
            String header = "\n" + entry.path() + "|" + entry.kind() + "|" + Integer.toOctalString(entry.mode())
                    + "|" + (entry.linkTarget() == null ? "" : entry.linkTarget()) + "|";
            digest.update(header.getBytes(StandardCharsets.UTF_8));
            if (entry.kind() == Kind.FILE) {
                try (InputStream in = entry.open()) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        digest.update(buffer, 0, n);
                    }
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private void addParents(String path) {
        List<String> parents = new ArrayList<>();
        for (int slash = path.lastIndexOf('/'); slash > 0; slash = path.lastIndexOf('/', slash - 1)) {
            parents.add(path.substring(0, slash));
        }
        for (String parent : parents) {
            entries.putIfAbsent(parent, new Entry(parent, Kind.DIRECTORY, 0755, null, null, null));
        }
    }

    private static String clean(String path) {
        String clean = path.replace('\\', '/');
        while (clean.startsWith("/")) {
            clean = clean.substring(1);
        }
        while (clean.endsWith("/")) {
            clean = clean.substring(0, clean.length() - 1);
        }
        if (clean.isEmpty() || clean.contains("//") || List.of(clean.split("/")).contains("..")) {
            throw new IllegalArgumentException("not a path inside the image: " + path);
        }
        return clean;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The permission bits of a host file. */
    private static int modeOf(Path path) {
        try {
            int mode = 0;
            for (PosixFilePermission permission : Files.getPosixFilePermissions(path)) {
                mode |= 1 << (8 - permission.ordinal());
            }
            return mode;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
