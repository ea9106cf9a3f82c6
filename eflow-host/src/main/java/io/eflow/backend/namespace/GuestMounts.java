package io.eflow.backend.namespace;

import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;
import io.eflow.platform.ParallelSteps;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The guest's disks, loop-mounted on the host under the instance's run folder: the active root slot read-only,
 * the data disk (the guest's /var) and the log disk (/logs). crun then builds the guest's tree from these.
 */
final class GuestMounts {
    private GuestMounts() {
    }

    record Disk(Path image, Path mountPoint, String type, String options) {
    }

    static void mountAll(List<Disk> disks) {
        try {
            for (Disk disk : disks) {
                Files.createDirectories(disk.mountPoint());
            }
            // setting up a loop device is most of a mount's time, and the disks do not depend on each other
            ParallelSteps.run(disks.stream().<ParallelSteps.Step>map(disk -> () -> Exec.of("mount", "-t", disk.type(), "-o",
                    "loop," + disk.options(), disk.image().toString(), disk.mountPoint().toString()).check()).toList());
        } catch (IOException | RuntimeException e) {
            unmountAll(disks.stream().map(Disk::mountPoint).toList()); // those that were mounted
            throw e instanceof EflowException ee ? ee : EflowException.failure("cannot mount the guest's disks: " + e.getMessage(), e);
        }
    }

    /** Unmounts in reverse order; a busy mount is detached lazily so that a stuck process cannot pin a disk. */
    static void unmountAll(List<Path> mountPoints) {
        List<Path> reversed = new ArrayList<>(mountPoints);
        Collections.reverse(reversed);
        for (Path mountPoint : reversed) {
            while (isMounted(mountPoint)) {
                if (!Exec.of("umount", mountPoint.toString()).run().ok()) {
                    Exec.of("umount", "-l", mountPoint.toString()).check();
                }
            }
        }
    }

    static boolean isMounted(Path mountPoint) {
        return mountedUnder(mountPoint).contains(mountPoint.toAbsolutePath().normalize().toString());
    }

    /** Mount points at or below {@code root}, from /proc/self/mountinfo. */
    static List<String> mountedUnder(Path root) {
        String prefix = root.toAbsolutePath().normalize().toString();
        List<String> found = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String mountPoint = unescape(line.split(" ")[4]);
                if (mountPoint.equals(prefix) || mountPoint.startsWith(prefix + "/")) {
                    found.add(mountPoint);
                }
            }
        } catch (IOException e) {
            throw EflowException.failure("cannot read /proc/self/mountinfo: " + e.getMessage(), e);
        }
        return found;
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String field) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
