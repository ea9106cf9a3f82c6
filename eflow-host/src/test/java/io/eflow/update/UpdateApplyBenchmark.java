package io.eflow.update;

import io.eflow.boot.GuestDisks;
import io.eflow.image.GuestImage;
import io.eflow.image.ImageVerifier;
import io.eflow.image.ReleaseKeys;
import io.eflow.image.TestImages;
import io.eflow.image.TrustStore;
import io.eflow.platform.Exec;
import io.eflow.platform.Json;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * bench/update-apply.sh, the in-process half: what the daemon does for {@code eflow update apply}, without a guest.
 * <ul>
 *   <li>{@code prepare DIR ROOTFS_MIB KERNEL_MIB INITRD_MIB COUNT}: a random image of those sizes sealed with a key of
 *   its own ({@code DIR/image}), bundles {@code DIR/eflow-0.1.<n>.bundle} for n = 1..COUNT, and an instance's B slots
 *   ({@code DIR/disks}: a sparse root slot, and an ext4 boot slot when this runs as root; KERNEL_MIB 0 for none).</li>
 *   <li>{@code apply DIR N TIMES}: opens bundle N and installs it into the B slots as {@link Updater} does
 *   ({@link BundleReader#open}, then {@link BundleInstaller#install}), TIMES times over; prints the milliseconds each
 *   took. The first is a fresh daemon's first apply (classes loaded, code not compiled yet), the later ones a warm
 *   daemon's. With BENCH_PHASES set, the progress lines go to stderr with their times.</li>
 * </ul>
 */
public final class UpdateApplyBenchmark {
    private static final long BLOCKS_PER_MIB = 256;

    private UpdateApplyBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[1]);
        switch (args[0]) {
            case "prepare" -> prepare(dir, Long.parseLong(args[2]), Long.parseLong(args[3]), Long.parseLong(args[4]),
                    Integer.parseInt(args[5]));
            case "apply" -> {
                // A daemon has read JSON (its requests) and checked Ed25519 signatures (the image, at deploy) before it
                // applies anything: so has this one, or its first apply would time their class loading.
                Json.readValue("{\"source\": \"/var/tmp/eflow-0.1.1.bundle\", \"noRestart\": true}".getBytes(StandardCharsets.UTF_8));
                Path image = dir.resolve("image");
                ImageVerifier.verifyManifest(Files.readAllBytes(image.resolve(GuestImage.MANIFEST)),
                        Files.readAllBytes(image.resolve(GuestImage.SIGNATURE)),
                        TrustStore.ofKeys(ReleaseKeys.readPublicKey(dir.resolve("release")).orElseThrow()));
                for (int i = 0; i < Integer.parseInt(args[3]); i++) {
                    System.out.println(apply(dir, Integer.parseInt(args[2])));
                }
            }
            default -> throw new IllegalArgumentException("prepare DIR ROOTFS_MIB KERNEL_MIB INITRD_MIB COUNT | apply DIR N TIMES");
        }
    }

    private static void prepare(Path dir, long rootfsMib, long kernelMib, long initrdMib, int count) throws IOException {
        ReleaseKeys keys = ReleaseKeys.loadOrCreate(dir.resolve("release"));
        GuestImage image = TestImages.random(dir.resolve("image"), keys, "0.1.0+0123abcd", rootfsMib * BLOCKS_PER_MIB,
                kernelMib * BLOCKS_PER_MIB, initrdMib * BLOCKS_PER_MIB);
        for (int n = 1; n <= count; n++) {
            BundleWriter.write(image, Semver.parse("0.1." + n), keys, bundle(dir, n), line -> { });
        }
        Files.createDirectories(dir.resolve("disks"));
        try (RandomAccessFile slot = new RandomAccessFile(rootSlot(dir).toFile(), "rw")) {
            slot.setLength(GuestDisks.ROOT_SLOT_BYTES);
        }
        if (image.hasBootParts()) {
            try (RandomAccessFile slot = new RandomAccessFile(bootSlot(dir).toFile(), "rw")) {
                slot.setLength(GuestDisks.BOOT_SLOT_BYTES);
            }
            Exec.of("mkfs.ext4", "-q", "-F", "-L", "boot-b", "-E", "lazy_itable_init=1,lazy_journal_init=1",
                    bootSlot(dir).toString()).check();
        }
    }

    private static long apply(Path dir, int n) {
        long start = System.nanoTime();
        // read from its file inside the timing, as the daemon's TrustStore.load does
        TrustStore trust = TrustStore.ofKeys(ReleaseKeys.readPublicKey(dir.resolve("release")).orElseThrow());
        VerifiedBundle bundle = BundleReader.open(bundle(dir, n), trust);
        BundleInstaller.install(bundle, trust, rootSlot(dir), bundle.manifest().hasBootParts() ? bootSlot(dir) : null,
                () -> { }, () -> { }, line -> {
                    if (System.getenv("BENCH_PHASES") != null) {
                        System.err.printf("%6d ms  %s%n", (System.nanoTime() - start) / 1_000_000, line);
                    }
                });
        return (System.nanoTime() - start) / 1_000_000;
    }

    static Path bundle(Path dir, int n) {
        return dir.resolve("eflow-0.1." + n + ".bundle");
    }

    private static Path rootSlot(Path dir) {
        return dir.resolve("disks/rootfs-b.img");
    }

    private static Path bootSlot(Path dir) {
        return dir.resolve("disks/boot-b.img");
    }
}
