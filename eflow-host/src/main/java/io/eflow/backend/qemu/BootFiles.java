package io.eflow.backend.qemu;

import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel and initramfs QEMU boots, copied out of an ext4 boot slot (boot-a.img / boot-b.img), where deploy
 * and updates write them. debugfs reads the file system without mounting it.
 */
record BootFiles(Path kernel, Path initrd) {
    static final String KERNEL = "vmlinux";
    static final String INITRD = "initrd.img";

    static BootFiles extract(Path bootSlot, Path targetDir) {
        try {
            Files.createDirectories(targetDir);
        } catch (IOException e) {
            throw EflowException.failure("cannot create " + targetDir + ": " + e.getMessage(), e);
        }
        BootFiles files = new BootFiles(targetDir.resolve(KERNEL), targetDir.resolve(INITRD));
        copyOut(bootSlot, KERNEL, files.kernel());
        copyOut(bootSlot, INITRD, files.initrd());
        return files;
    }

    private static void copyOut(Path bootSlot, String name, Path target) {
        Exec.of("debugfs", "-R", "dump /" + name + " " + target, bootSlot.toString()).timeoutSeconds(60).run();
        try {
            if (!Files.isRegularFile(target) || Files.size(target) == 0) {
                throw new EflowException("the boot slot " + bootSlot.getFileName() + " holds no " + name
                        + ": this instance's image has no kernel for the qemu backend; build an image with boot parts and deploy it again");
            }
        } catch (IOException e) {
            throw EflowException.failure("cannot read " + target + ": " + e.getMessage(), e);
        }
    }
}
