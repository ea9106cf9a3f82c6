package io.eflow.image;

import java.util.List;

/**
 * What the qemu boot parts are made from: Debian's kernel metapackage, the initramfs's user space packages, and
 * the kernel modules the initramfs loads (in load order; a module's own dependencies are loaded before it).
 * Its hash keys the {@link BootKit} cache, as {@link BaseRecipe} keys the Debian base.
 *
 * @param arch          Debian architecture
 * @param kernelPackage the metapackage that names the current kernel, e.g. {@code linux-image-amd64}
 * @param packages      packages unpacked for the initramfs: busybox-static, dmsetup and its libraries
 * @param modules       modules for virtio disks/console/net, ext4, overlay, erofs, dm-verity, nftables and 9p
 */
record BootRecipe(String arch, String kernelPackage, List<String> packages, List<String> modules) {
    /** Bump when the kit's layout or extraction changes without the recipe's fields changing. */
    static final int FORMAT = 1;

    BootRecipe {
        packages = List.copyOf(packages);
        modules = List.copyOf(modules);
    }

    /** The order platform-notes.md measured; ext4 needs crc32c_generic loaded by hand. */
    static BootRecipe debian(String arch) {
        return new BootRecipe(arch, "linux-image-" + arch,
                List.of("busybox-static", "dmsetup", "libdevmapper1.02.1", "libselinux1", "libudev1", "libpcre2-8-0", "libc6"),
                List.of("virtio_ring", "virtio", "virtio_pci_legacy_dev", "virtio_pci_modern_dev", "virtio_pci", "virtio_blk",
                        "virtio_console", "failover", "net_failover", "virtio_net", "crc16", "mbcache", "jbd2", "crc32c_generic",
                        "libcrc32c", "ext4", "overlay", "erofs", "dm-mod", "dm-bufio", "reed_solomon", "dm-verity",
                        // the guest's inbound firewall: nftables with connection tracking and rate limits
                        "nf_tables", "nft_ct", "nft_limit",
                        // shared folders: virtio-9p (Debian 12 has no virtiofsd)
                        "9pnet_virtio", "9p"));
    }

    String canonical() {
        StringBuilder text = new StringBuilder("eflow-boot-recipe " + FORMAT + "\n");
        text.append("arch=").append(arch).append('\n');
        text.append("kernel=").append(kernelPackage).append('\n');
        packages.forEach(p -> text.append("package=").append(p).append('\n'));
        modules.forEach(m -> text.append("module=").append(m).append('\n'));
        return text.toString();
    }

    String hash() {
        return FileDigests.sha256(canonical());
    }
}
