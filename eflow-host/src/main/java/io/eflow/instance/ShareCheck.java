package io.eflow.instance;

import io.eflow.instance.model.SharedFolder;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.InvalidValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a guest may be given of the host: a real folder that exposes neither the host's system nor eflow itself. The
 * folder is judged by its real path, so a symbolic link to /etc is /etc.
 */
final class ShareCheck {
    /** The host's own trees: sharing them, or a folder inside them, would hand the guest the host. */
    private static final List<Path> HOST_SYSTEM = List.of(Path.of("/etc"), Path.of("/proc"), Path.of("/sys"), Path.of("/dev"),
            Path.of("/boot"), Path.of("/run"), Path.of("/usr"), Path.of("/bin"), Path.of("/sbin"), Path.of("/lib"), Path.of("/lib64"),
            Path.of("/root"), Path.of("/var/lib"), Path.of("/var/run"));
    /** At most as many virtio-9p devices as a VM's PCI bus takes without a bridge, with room for the rest. */
    static final int MAX_SHARES = 16;

    private final List<Path> eflowOwn;

    ShareCheck(EflowPaths paths) {
        eflowOwn = new ArrayList<>();
        for (Path own : List.of(paths.home(), paths.run(), paths.log(), paths.cache(), paths.releaseKey(), paths.trust())) {
            eflowOwn.add(realOrAbsolute(own));
        }
    }

    /** The shares with one more; throws, naming the field, when it cannot be added. */
    List<SharedFolder> add(List<SharedFolder> current, SharedFolder share) {
        Path real = folder(share.hostPath());
        if (real.getParent() == null) {
            throw refused(share, "the host's whole file system");
        }
        for (Path system : HOST_SYSTEM) {
            if (real.startsWith(system)) {
                throw refused(share, "the host's " + system);
            }
        }
        for (Path own : eflowOwn) {
            if (real.startsWith(own) || own.startsWith(real)) {
                throw refused(share, "eflow's own state (" + own + ")");
            }
        }
        if (current.size() >= MAX_SHARES) {
            throw new InvalidValue("guestPath", "cannot be added: an instance has at most " + MAX_SHARES + " shared folders");
        }
        for (SharedFolder existing : current) {
            if (existing.overlaps(share)) {
                throw new InvalidValue("guestPath", share.guestPath() + " overlaps the shared folder at " + existing.guestPath());
            }
        }
        List<SharedFolder> more = new ArrayList<>(current);
        more.add(new SharedFolder(real.toString(), share.guestPath(), share.readOnly()));
        return List.copyOf(more);
    }

    private static Path folder(String hostPath) {
        Path path = Path.of(hostPath);
        if (!Files.isDirectory(path)) {
            throw new InvalidValue("hostPath", Files.exists(path) ? hostPath + " is not a folder" : hostPath + " does not exist");
        }
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new InvalidValue("hostPath", hostPath + " cannot be resolved: " + e.getMessage());
        }
    }

    private static InvalidValue refused(SharedFolder share, String what) {
        return new InvalidValue("hostPath", share.hostPath() + " would share " + what + " with the guest: choose a folder of its own");
    }

    private static Path realOrAbsolute(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }
}
