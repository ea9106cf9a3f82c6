package io.eflow.image;

import io.eflow.platform.EflowException;
import io.eflow.platform.FileTrees;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A guest root filesystem being assembled in a host folder. The tree is full of absolute symlinks
 * ({@code /etc/service -> runit/runsvdir/current -> /etc/runit/runsvdir/default}) that, followed naively from
 * the host, lead into the host's own /etc. Every path here is therefore resolved the way the guest would
 * see it — symlinks re-rooted at the tree, as in a chroot — and files are replaced, never written through.
 */
final class Rootfs {
    private static final int MAX_SYMLINK_HOPS = 40;
    private final Path root;
    private final boolean setOwners;

    /**
     * @param setOwners apply uid/gid (needs root); off only where a test runs unprivileged
     */
    Rootfs(Path root, boolean setOwners) {
        this.root = root.toAbsolutePath().normalize();
        this.setOwners = setOwners;
    }

    Path root() {
        return root;
    }

    /** The host path of a guest path, every symlink followed inside the tree. */
    Path resolve(String guestPath) {
        return resolve(guestPath, true);
    }

    /** The host path of a guest path whose last component is taken as is (to replace or delete it). */
    Path resolveEntry(String guestPath) {
        return resolve(guestPath, false);
    }

    private Path resolve(String guestPath, boolean followLast) {
        Deque<String> todo = new ArrayDeque<>(components(guestPath));
        List<String> done = new ArrayList<>();
        int hops = 0;
        while (!todo.isEmpty()) {
            String name = todo.pollFirst();
            if (name.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            Path candidate = join(done).resolve(name);
            if ((followLast || !todo.isEmpty()) && Files.isSymbolicLink(candidate)) {
                if (++hops > MAX_SYMLINK_HOPS) {
                    throw EflowException.failure("too many symlinks resolving /" + guestPath + " in the guest tree", null);
                }
                String target = readLink(candidate);
                if (target.startsWith("/")) {
                    done.clear();
                }
                List<String> parts = components(target);
                for (int i = parts.size() - 1; i >= 0; i--) {
                    todo.addFirst(parts.get(i));
                }
            } else {
                done.add(name);
            }
        }
        return join(done);
    }

    private Path join(List<String> names) {
        Path p = root;
        for (String n : names) {
            p = p.resolve(n);
        }
        return p;
    }

    private static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                out.add(part);
            }
        }
        return out;
    }

    boolean exists(String guestPath) {
        return Files.exists(resolveEntry(guestPath), LinkOption.NOFOLLOW_LINKS);
    }

    String readText(String guestPath) {
        Path file = resolve(guestPath);
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw EflowException.failure("the guest tree has no /" + guestPath, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the directory and its missing parents (root-owned 0755 parents), returns its host path. */
    Path mkdirs(String guestPath, int mode, int uid, int gid) {
        List<String> parts = components(guestPath);
        StringBuilder sofar = new StringBuilder();
        Path dir = root;
        for (int i = 0; i < parts.size(); i++) {
            sofar.append('/').append(parts.get(i));
            dir = resolve(sofar.toString());
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                // A dangling symlink may point at a path of several missing folders: make them all.
                Path missing = dir;
                Deque<Path> chain = new ArrayDeque<>();
                while (!missing.equals(root) && !Files.exists(missing, LinkOption.NOFOLLOW_LINKS)) {
                    chain.push(missing);
                    missing = missing.getParent();
                }
                boolean last = i == parts.size() - 1;
                while (!chain.isEmpty()) {
                    Path next = chain.pop();
                    boolean target = chain.isEmpty() && last;
                    createDirectory(next, target ? mode : 0755, target ? uid : 0, target ? gid : 0);
                }
            }
        }
        return dir;
    }

    /** Writes a regular file, replacing whatever entry had that name (a symlink is replaced, not followed). */
    Path writeFile(String guestPath, byte[] content, int mode, int uid, int gid) {
        Path file = replaceable(guestPath);
        try {
            Files.write(file, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            applyMetadata(file, mode, uid, gid);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write /" + guestPath + " in the guest tree", e);
        }
    }

    Path writeText(String guestPath, String text, int mode, int uid, int gid) {
        return writeFile(guestPath, text.getBytes(StandardCharsets.UTF_8), mode, uid, gid);
    }

    /** Rewrites an existing file's content keeping its mode and owner (passwd, shadow, …). */
    void rewriteText(String guestPath, String text) {
        Path file = resolveEntry(guestPath);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw EflowException.failure("/" + guestPath + " in the guest tree is not a regular file", null);
        }
        try {
            int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            int uid = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int gid = (Integer) Files.getAttribute(file, "unix:gid", LinkOption.NOFOLLOW_LINKS);
            writeText(guestPath, text, mode & 07777, uid, gid);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path symlink(String guestPath, String target, int uid, int gid) {
        Path link = replaceable(guestPath);
        try {
            Files.createSymbolicLink(link, Path.of(target));
            if (setOwners) {
                Files.setAttribute(link, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(link, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
            }
            return link;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create symlink /" + guestPath + " in the guest tree", e);
        }
    }

    /** Deletes an entry (a directory with everything below it); symlinks are removed, never followed. */
    boolean delete(String guestPath) {
        return deleteTree(resolveEntry(guestPath));
    }

    static boolean deleteTree(Path path) {
        return FileTrees.deleteRecursively(path);
    }

    void applyMetadata(Path path, int mode, int uid, int gid) throws IOException {
        if (setOwners) {
            Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
        }
        // After chown: changing the owner clears setuid/setgid bits.
        Files.setAttribute(path, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
    }

    void setModified(Path path, FileTime time) throws IOException {
        Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(time, null, null);
    }

    private void createDirectory(Path dir, int mode, int uid, int gid) {
        try {
            Files.createDirectory(dir);
            applyMetadata(dir, mode, uid, gid);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    /** The host path for a new entry: parent resolved in the tree (created if missing), old entry removed. */
    private Path replaceable(String guestPath) {
        List<String> parts = components(guestPath);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("cannot replace the tree's root");
        }
        String parent = String.join("/", parts.subList(0, parts.size() - 1));
        Path dir = parent.isEmpty() ? root : mkdirs(parent, 0755, 0, 0);
        Path entry = dir.resolve(parts.get(parts.size() - 1));
        try {
            if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(entry);
            } else {
                Files.deleteIfExists(entry);
            }
        } catch (DirectoryNotEmptyException e) {
            throw EflowException.failure("/" + guestPath + " is a non-empty directory in the guest tree; refusing to replace it", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entry;
    }

    private static String readLink(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
