package io.eflow.image;

import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;
import io.eflow.platform.FileTrees;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Another version of a built image, for update tests: the base image's root tree with some files replaced, packed
 * and sealed the way a build does (same release key, same boot parts), so it installs and verifies like a real
 * release — e.g. "a v2 whose runtime never becomes healthy" or "a good v2 with a marker file".
 */
public final class DerivedImage {
    private DerivedImage() {
    }

    /**
     * @param filesToReplace absolute guest path to content; written as root-owned mode 0755 files (parents created)
     * @param outDir         the new image's folder (created; must not hold an image yet)
     */
    public static GuestImage derive(GuestImage base, Map<String, byte[]> filesToReplace, String version, ReleaseKeys keys,
                                    Path outDir) {
        Path mnt = outDir.resolve(".base");
        Path tree = outDir.resolve(".tree");
        try {
            Files.createDirectories(mnt);
            Files.createDirectories(tree);
            Exec.of("mount", "-t", "erofs", "-o", "loop,ro", base.rootfs().toString(), mnt.toString()).check();
            try {
                // cp -a keeps owners, modes, device nodes, hard links and xattrs (file capabilities) as the build made them
                Exec.of("cp", "-a", mnt + "/.", tree.toString()).timeoutSeconds(600).check();
            } finally {
                Exec.of("umount", mnt.toString()).check();
            }
            for (Map.Entry<String, byte[]> file : filesToReplace.entrySet()) {
                if (!file.getKey().startsWith("/")) {
                    throw new IllegalArgumentException("a guest path is absolute: " + file.getKey());
                }
                Path target = tree.resolve(file.getKey().substring(1));
                Files.createDirectories(target.getParent());
                Files.deleteIfExists(target);
                Files.write(target, file.getValue());
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            ImageManifest manifest = base.manifest();
            ErofsPacker.pack(tree, outDir.resolve(GuestImage.ROOTFS), Instant.parse(manifest.created()), UUID.randomUUID());
            List<String> bootParts = new ArrayList<>();
            if (base.hasBootParts()) {
                for (String part : List.of(GuestImage.VMLINUX, GuestImage.INITRD)) {
                    Files.copy(base.part(part), outDir.resolve(part));
                    bootParts.add(part);
                }
            }
            byte[] salt = new byte[32];
            new SecureRandom().nextBytes(salt);
            ImageIdentity identity = new ImageIdentity(version, manifest.arch(), manifest.created(), manifest.recipeHash());
            return ImageSealer.seal(outDir, identity, salt, keys, bootParts, line -> { });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot derive an image in " + outDir, e);
        } catch (EflowException e) {
            throw new IllegalStateException("cannot derive an image in " + outDir + ": " + e.getMessage(), e);
        } finally {
            FileTrees.deleteRecursively(tree);
            try {
                Files.deleteIfExists(mnt); // empty once unmounted; never a recursive delete of a mount point
            } catch (IOException ignored) {
                // still mounted: left for the test's clean-up to report
            }
        }
    }
}
