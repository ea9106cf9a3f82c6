package io.eflow.backend.qemu;

import io.eflow.platform.FileTrees;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Whether KVM really runs a guest here: QEMU boots a 64 KiB firmware of seven bytes on the same machine type and
 * CPU model the backend would use with KVM, and the firmware's first instruction writes to the isa-debug-exit
 * port. QEMU then exits with {@link #EXIT_CODE}; anything else (an abort while setting up the vCPU, an emulation
 * failure that pauses the VM, a hang) means no usable KVM. Takes well under a second either way.
 */
public final class KvmProbe {
    /** isa-debug-exit turns a write of {@code v} into exit code {@code (v << 1) | 1}. */
    static final int EXIT_VALUE = 0x31;
    public static final int EXIT_CODE = (EXIT_VALUE << 1) | 1;
    private static final int DEBUG_EXIT_PORT = 0xf4;
    private static final long TIMEOUT_MS = 2000;

    private KvmProbe() {
    }

    /**
     * The firmware: filled with {@code hlt}; at the reset vector (top 16 bytes of the BIOS area, real mode)
     * {@code mov al, 0x31; out 0xf4, al; hlt; jmp $-1}.
     */
    static byte[] firmware() {
        byte[] rom = new byte[64 * 1024];
        Arrays.fill(rom, (byte) 0xf4);
        byte[] code = {(byte) 0xb0, (byte) EXIT_VALUE, (byte) 0xe6, (byte) DEBUG_EXIT_PORT, (byte) 0xf4, (byte) 0xeb, (byte) 0xfd};
        System.arraycopy(code, 0, rom, 0xfff0, code.length);
        return rom;
    }

    static List<String> argv(String qemu, Accelerator accelerator, Path firmware) {
        List<String> argv = new ArrayList<>(List.of(qemu, "-nodefaults", "-no-user-config", "-display", "none",
                "-machine", QemuCommand.MACHINE, "-accel", accelerator.qemuName(), "-cpu", QemuCommand.cpuModel(accelerator),
                "-m", "16", "-bios", firmware.toString(),
                "-device", "isa-debug-exit,iobase=0x" + Integer.toHexString(DEBUG_EXIT_PORT) + ",iosize=4"));
        return argv;
    }

    /** Runs the firmware with {@code accelerator}; true only when it reached the exit port. */
    public static boolean runs(String qemu, Accelerator accelerator) {
        Path dir = null;
        Process process = null;
        try {
            dir = Files.createTempDirectory("eflow-kvm-probe");
            Path firmware = dir.resolve("probe.rom");
            Files.write(firmware, firmware());
            process = new ProcessBuilder(argv(qemu, accelerator, firmware))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("qemu.log").toFile()).start();
            if (!process.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                return false;
            }
            return process.exitValue() == EXIT_CODE;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (dir != null) {
                FileTrees.deleteRecursively(dir);
            }
        }
    }
}
