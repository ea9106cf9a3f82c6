package io.eflow.image;

import io.eflow.platform.EflowException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;

/**
 * Lays the guest payload tar over the rootfs as if extracted inside the guest: parent paths follow the
 * tree's symlinks within the tree, existing directories keep their metadata, files and symlinks replace
 * what was there, and modes and owners come from the tar. Only files, directories and symlinks are
 * accepted: device nodes and hard links have no business in eflow's own payload.
 */
final class PayloadUnpacker {
    private PayloadUnpacker() {
    }

    /** Returns the number of entries laid down. */
    static int unpack(InputStream tar, Rootfs rootfs) {
        int count = 0;
        try (TarArchiveInputStream in = new TarArchiveInputStream(tar)) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                String name = checkedName(entry.getName());
                if (name.isEmpty()) {
                    continue;
                }
                int mode = entry.getMode() & 07777;
                int uid = (int) entry.getLongUserId();
                int gid = (int) entry.getLongGroupId();
                FileTime mtime = FileTime.from(entry.getModTime().toInstant());
                if (entry.isDirectory()) {
                    Path dir = rootfs.resolve(name);
                    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                        rootfs.mkdirs(name, mode, uid, gid);
                    }
                } else if (entry.isSymbolicLink()) {
                    rootfs.symlink(name, entry.getLinkName(), uid, gid);
                } else if (isRegularFile(entry)) {
                    Path file = rootfs.writeFile(name, new byte[0], 0600, 0, 0);
                    try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
                        in.transferTo(out);
                    }
                    rootfs.applyMetadata(file, mode, uid, gid);
                    rootfs.setModified(file, mtime);
                } else {
                    throw EflowException.failure("guest payload entry " + name
                            + " is neither a file, a directory nor a symlink", null);
                }
                count++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the guest payload", e);
        }
        return count;
    }

    /** commons-compress counts device nodes and FIFOs as "files" too; only plain files are. */
    private static boolean isRegularFile(TarArchiveEntry entry) {
        return entry.isFile() && !entry.isLink() && !entry.isCharacterDevice() && !entry.isBlockDevice()
                && !entry.isFIFO();
    }

    /** Relative, no parent references: a payload entry cannot name a place outside the tree. */
    private static String checkedName(String raw) {
        String name = raw;
        while (name.startsWith("./")) {
            name = name.substring(2);
        }
        if (name.startsWith("/") || ("/" + name + "/").contains("/../")) {
            throw EflowException.failure("guest payload entry " + raw + " points outside the root filesystem", null);
        }
        return name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    }
}
