package io.eflow.backend.qemu;

import io.eflow.image.GuestImage;

import java.nio.file.Path;

/** The kernel and initramfs QEMU boots, copied out of the chosen boot slot (boot-a.img / boot-b.img). */
record BootFiles(Path kernel, Path initrd) {
    static final String KERNEL = GuestImage.VMLINUX;
    static final String INITRD = GuestImage.INITRD;
}
