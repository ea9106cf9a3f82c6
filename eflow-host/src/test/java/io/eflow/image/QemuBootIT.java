package io.eflow.image;

import io.eflow.boot.BootControl;
import io.eflow.instance.model.Slot;
import io.eflow.it.QemuOnly;
import io.eflow.it.VmCheck;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.Exec;
import io.eflow.platform.Privileges;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boots the image's own kernel and initramfs under QEMU/TCG against small disk images, with {@code eflow.test=halt}
 * so the initramfs prints its mounts and powers off right before switch_root: no backend, no SSH. Covers the normal
 * boot, a tampered root under dm-verity, a corrupt trial slot that falls back, and a good trial slot.
 */
@EnabledOnOs(OS.LINUX)
@QemuOnly
@VmCheck
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QemuBootIT {
    private static final long QEMU_TIMEOUT_SECONDS = 90;
    private static final Pattern START = Pattern.compile("eflow-init: start at ([0-9.]+) s, kernel (\\S+)");
    private static final Pattern SWITCH = Pattern.compile("eflow-init: switch_root at ([0-9.]+) s");

    @TempDir
    Path tmp;
    private GuestImage image;
    private Path kernelDir;

    @BeforeAll
    void buildImageAndTakeTheBootPartsOutOfABootSlot(@TempDir Path shared) {
        assertThat(Privileges.isRoot()).as("QemuBootIT needs root (image build, loop mounts)").isTrue();
        assertThat(Exec.of("sh", "-c", "command -v qemu-system-x86_64").run().ok())
                .as("qemu-system-x86_64 (apt-get install qemu-system-x86; scripts/install-host-deps)").isTrue();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("EFLOW_HOME", shared.resolve("home").toString());
        env.put("EFLOW_TRUST_DIR", shared.resolve("trust").toString());
        image = ImageBuilder.build(EflowPaths.from(env), false, line -> System.out.println("[image] " + line));
        assertThat(image.hasBootParts()).isTrue();

        // The way the qemu backend gets them: installed into a boot slot, then copied back out.
        Path bootSlot = shared.resolve("boot-a.img");
        Exec.of("truncate", "-s", "192M", bootSlot.toString()).check();
        Exec.of("mkfs.ext4", "-q", "-F", "-L", "boot-a", bootSlot.toString()).check();
        BootSlotInstaller.install(image, bootSlot);
        kernelDir = shared.resolve("kernel");
        BootSlotInstaller.extract(bootSlot, kernelDir);
        assertThat(FileDigests.sha256(kernelDir.resolve(GuestImage.VMLINUX))).isEqualTo(image.manifest().part(GuestImage.VMLINUX).orElseThrow().sha256());
        assertThat(FileDigests.sha256(kernelDir.resolve(GuestImage.INITRD))).isEqualTo(image.manifest().part(GuestImage.INITRD).orElseThrow().sha256());
    }

    @Test
    void bootsSlotAAndMountsTheGuestTree() throws IOException {
        Disks disks = disks(BootControl.initial(), false, null);
        String log = boot(disks, "eflow.verity=0");

        Matcher start = START.matcher(log);
        assertThat(start.find()).as("init's first line in\n" + log).isTrue();
        assertThat(start.group(2)).matches("6\\.1\\.0-\\d+-amd64");
        assertThat(log).contains("eflow-init: root: slot A from /dev/vdb (erofs, read-only, verity=0)");
        assertThat(log).containsPattern("(?m)^/dev/vdb /newroot erofs ro");
        assertThat(log).containsPattern("(?m)^/dev/vdd /newroot/var ext4 rw,nodev");
        assertThat(log).containsPattern("(?m)^/dev/vde /newroot/logs ext4 rw,nosuid,nodev,noexec");
        for (String dir : List.of("etc", "home", "root")) {
            assertThat(log).containsPattern("(?m)^overlay /newroot/" + dir + " overlay .*lowerdir=/newroot/" + dir
                    + ",upperdir=/newroot/var/.eflow/overlays/" + dir + "/upper");
        }
        assertThat(log).containsPattern("(?m)^tmpfs /newroot/run tmpfs").containsPattern("(?m)^tmpfs /newroot/tmp tmpfs")
                .containsPattern("(?m)^devpts /newroot/dev/pts devpts");
        assertThat(log).contains("eflow-init: test: eflow-boot: slot=A fallback=no verity=0");
        assertThat(log).contains("eflow-init: test: halting before switch_root");
        assertThat(BootControl.read(disks.bootctl)).isEqualTo(BootControl.initial());
        timings("plain", log);
    }

    @Test
    void verityStopsABootFromATamperedRoot() throws IOException {
        Disks disks = disks(BootControl.initial(), true, null);
        // One flipped byte in runit's data block: the initramfs reads the hand-over's files through dm-verity first.
        String log = boot(disks, verityArgs(Slot.A));
        assertThat(log).contains("eflow-init: slot A cannot boot: slot A failed dm-verity verification reading /usr/sbin/runit");
        assertThat(log).contains("eflow-init: FATAL: active slot A cannot boot");
        assertThat(log).contains("the guest cannot boot: powering off");
        assertThat(log).doesNotContain("switch_root at");
    }

    @Test
    void aCorruptTrialSlotFallsBackToTheActiveSlotInTheSameBoot() throws IOException {
        Disks disks = disks(new BootControl(Slot.A, Slot.B, 1), false, "corrupt");
        String log = boot(disks, verityArgs(Slot.A) + " " + slotArgs(Slot.B));
        assertThat(log).contains("eflow-init: record: active=A trial=B tries=1");
        assertThat(log).contains("eflow-init: slot B cannot boot: slot B failed dm-verity verification reading /usr/sbin/runit");
        assertThat(log).contains("eflow-init: trial slot B failed: clearing the trial and falling back to slot A");
        assertThat(log).contains("eflow-init: root: slot A from /dev/mapper/root-A (erofs, read-only, verity=1)");
        assertThat(log).containsPattern("(?m)^/dev/mapper/root-A /newroot erofs ro");
        assertThat(log).contains("eflow-init: test: eflow-boot: slot=A fallback=yes verity=1");
        assertThat(log).contains("eflow-init: test: record now: EFLOWBOOT1 active=A trial=- tries=0");
        assertThat(BootControl.read(disks.bootctl)).isEqualTo(new BootControl(Slot.A, null, 0));
        timings("verity + fallback", log);
    }

    @Test
    void aGoodTrialSlotBootsAndSpendsATry() throws IOException {
        Disks disks = disks(new BootControl(Slot.A, Slot.B, 2), false, "good");
        String log = boot(disks, verityArgs(Slot.A) + " " + slotArgs(Slot.B));
        assertThat(log).contains("eflow-init: root: slot B from /dev/mapper/root-B (erofs, read-only, verity=1)");
        assertThat(log).contains("eflow-init: test: eflow-boot: slot=B fallback=no verity=1");
        assertThat(BootControl.read(disks.bootctl)).isEqualTo(new BootControl(Slot.A, Slot.B, 1));
        timings("verity, trial B", log);
    }

    @Test
    void anUnmountableTrialSlotFallsBackWithoutVerityToo() throws IOException {
        Disks disks = disks(new BootControl(Slot.A, Slot.B, 1), false, null);
        String log = boot(disks, "eflow.verity=0");
        assertThat(log).contains("eflow-init: slot B cannot boot: cannot mount slot B (/dev/vdc)");
        assertThat(log).contains("eflow-init: trial slot B failed: clearing the trial and falling back to slot A");
        assertThat(log).contains("eflow-init: test: eflow-boot: slot=A fallback=yes verity=0");
        assertThat(BootControl.read(disks.bootctl)).isEqualTo(new BootControl(Slot.A, null, 0));
    }

    @Test
    void aTrialWithoutTriesLeftIsDroppedBeforeItIsTouched() throws IOException {
        Disks disks = disks(new BootControl(Slot.A, Slot.B, 0), false, null);
        String log = boot(disks, "eflow.verity=0");
        assertThat(log).contains("eflow-init: trial slot B has no tries left: it failed, dropping it");
        assertThat(log).doesNotContain("slot B cannot boot");
        assertThat(log).contains("eflow-init: test: eflow-boot: slot=A fallback=no verity=0");
        assertThat(BootControl.read(disks.bootctl)).isEqualTo(new BootControl(Slot.A, null, 0));
    }

    private record Disks(Path bootctl, Path rootA, Path rootB, Path data, Path log) {
    }

    /** {@code slotB}: null for an empty slot, "good" for the image, "corrupt" for the image with runit tampered. */
    private Disks disks(BootControl record, boolean tamperA, String slotB) throws IOException {
        Disks d = new Disks(tmp.resolve("bootctl.img"), tmp.resolve("root-a.img"), tmp.resolve("root-b.img"),
                tmp.resolve("data.img"), tmp.resolve("log.img"));
        record.write(d.bootctl);
        SlotInstaller.install(image, d.rootA);
        if (tamperA) {
            flipByteOfRunit(d.rootA);
        }
        if (slotB == null) {
            Exec.of("truncate", "-s", "16M", d.rootB.toString()).check();
        } else {
            SlotInstaller.install(image, d.rootB);
            if (slotB.equals("corrupt")) {
                flipByteOfRunit(d.rootB);
            }
        }
        for (Path disk : List.of(d.data, d.log)) {
            Exec.of("truncate", "-s", "64M", disk.toString()).check();
            Exec.of("mkfs.ext4", "-q", "-F", disk.toString()).check();
        }
        return d;
    }

    /** One byte in the first data block of /usr/sbin/runit, found with FIEMAP on a loop mount of the image's erofs. */
    private void flipByteOfRunit(Path slot) throws IOException {
        Path mnt = Files.createDirectories(tmp.resolve("erofs-mnt"));
        String frag;
        Exec.of("mount", "-t", "erofs", "-o", "loop,ro", image.rootfs().toString(), mnt.toString()).check();
        try {
            frag = Exec.of("filefrag", "-v", "-b4096", mnt.resolve("usr/sbin/runit").toString()).check().stdout();
        } finally {
            Exec.of("umount", mnt.toString()).check();
        }
        Matcher m = Pattern.compile("(?m)^\\s*0:\\s+0\\.\\.\\s*\\d+:\\s+(\\d+)\\.\\.").matcher(frag);
        assertThat(m.find()).as("first extent of runit in\n" + frag).isTrue();
        long offset = Long.parseLong(m.group(1)) * 4096 + 100;
        assertThat(offset).isLessThan(image.verity().hashOffset());
        try (RandomAccessFile raf = new RandomAccessFile(slot.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x01);
        }
    }

    private String verityArgs(Slot slot) {
        return "eflow.verity=1 " + slotArgs(slot);
    }

    private String slotArgs(Slot slot) {
        ImageManifest.Verity v = image.verity();
        return "eflow.roothash." + slot + "=" + v.rootHash() + " eflow.salt." + slot + "=" + v.salt()
                + " eflow.blocks." + slot + "=" + v.dataBlocks();
    }

    /** Runs QEMU to its power-off (bounded) and returns the serial console. */
    private String boot(Disks d, String args) throws IOException {
        Path serial = tmp.resolve("serial-" + System.nanoTime() + ".log");
        Path out = tmp.resolve("qemu.out");
        List<String> command = new ArrayList<>(List.of("qemu-system-x86_64", "-accel", "tcg", "-m", "1024", "-nodefaults",
                "-display", "none", "-serial", "file:" + serial, "-no-reboot",
                "-kernel", kernelDir.resolve(GuestImage.VMLINUX).toString(), "-initrd", kernelDir.resolve(GuestImage.INITRD).toString(),
                "-append", "console=ttyS0 quiet panic=-1 " + args + " eflow.test=halt"));
        for (Path disk : List.of(d.bootctl, d.rootA, d.rootB, d.data, d.log)) {
            boolean readOnly = disk.equals(d.rootA) || disk.equals(d.rootB);
            command.add("-drive");
            command.add("file=" + disk + ",format=raw,if=virtio" + (readOnly ? ",readonly=on" : ""));
        }
        Process qemu = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            if (!qemu.waitFor(QEMU_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("QEMU did not power off within " + QEMU_TIMEOUT_SECONDS + " s; console:\n" + read(serial));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            if (qemu.isAlive()) {
                qemu.destroyForcibly();
                try {
                    qemu.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        String log = read(serial);
        System.out.println("[qemu] exit " + qemu.exitValue() + ", console:\n" + log + read(out));
        assertThat(qemu.exitValue()).as("qemu exit").isZero();
        return log;
    }

    private static void timings(String what, String log) {
        Matcher start = START.matcher(log);
        Matcher done = SWITCH.matcher(log);
        Matcher modules = Pattern.compile("eflow-init: modules loaded at ([0-9.]+) s").matcher(log);
        if (start.find() && done.find() && modules.find()) {
            System.out.printf("[timing] %s: kernel start -> init %s s, -> modules loaded %s s, -> switch_root %s s%n", what,
                    start.group(1), modules.group(1), done.group(1));
        }
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
    }
}
