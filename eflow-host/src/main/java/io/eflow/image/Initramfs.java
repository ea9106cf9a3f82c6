package io.eflow.image;

import io.eflow.platform.EflowException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * eflow's initramfs for the qemu backend: the kit's busybox, dmsetup with its libraries and modules, plus eflow's
 * {@code /init} (a busybox sh script, a classpath resource), written as a gzip-compressed newc cpio. Building it
 * takes well under a second, so it is redone with every image.
 */
final class Initramfs {
    static final String INIT_RESOURCE = "/io/eflow/image/initramfs/init";

    private Initramfs() {
    }

    static byte[] initScript() {
        try (InputStream in = Initramfs.class.getResourceAsStream(INIT_RESOURCE)) {
            if (in == null) {
                throw EflowException.failure("this eflow build has no initramfs init (" + INIT_RESOURCE + ")", null);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(BootKit kit, byte[] init, long mtime, Path target) {
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(target));
             GZIPOutputStream gzip = new GZIPOutputStream(file, 1 << 16);
             CpioWriter cpio = new CpioWriter(gzip, mtime)) {
            for (String dir : List.of("bin", "dev", "etc", "etc/eflow", "lib", "mnt", "newroot", "proc", "run", "sbin", "sys", "tmp")) {
                cpio.directory(dir, dir.equals("tmp") ? 01777 : 0755);
            }
            // The kernel opens /dev/console for init before anything is mounted.
            cpio.charDevice("dev/console", 0600, 5, 1);
            cpio.file("init", 0755, init);
            cpio.file("etc/eflow/modules", 0644, (String.join("\n", kit.moduleOrder()) + "\n").getBytes(StandardCharsets.US_ASCII));
            cpio.file("etc/eflow/kernel-release", 0644, (kit.release() + "\n").getBytes(StandardCharsets.US_ASCII));
            addTree(cpio, kit.root());
            // Every module is listed without dependencies: the init loads them in kit order, all with one
            // `modprobe -a` (one process, not one insmod each — process starts are slow in an emulated guest).
            StringBuilder dep = new StringBuilder();
            for (String module : kit.moduleOrder()) {
                dep.append(module).append(".ko:\n");
            }
            cpio.file("lib/modules/" + kit.release() + "/modules.dep", 0644, dep.toString().getBytes(StandardCharsets.US_ASCII));
            cpio.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the initramfs " + target, e);
        }
    }

    /** Folders first, each once, then files; names sorted so the archive is the same for the same kit. */
    private static void addTree(CpioWriter cpio, Path root) throws IOException {
        TreeSet<String> dirs = new TreeSet<>();
        TreeSet<String> files = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> !p.equals(root)).forEach(p -> (Files.isDirectory(p) ? dirs : files).add(root.relativize(p).toString()));
        }
        for (String dir : dirs) {
            if (!List.of("bin", "lib", "sbin").contains(dir)) {
                cpio.directory(dir, 0755);
            }
        }
        for (String file : files) {
            Path p = root.resolve(file);
            cpio.file(file, Files.isExecutable(p) ? 0755 : 0644, Files.readAllBytes(p));
        }
    }
}
