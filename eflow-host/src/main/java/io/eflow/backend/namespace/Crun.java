package io.eflow.backend.namespace;

import io.eflow.platform.Exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives crun. On hosts with the hybrid cgroup layout crun refuses to work while the unified hierarchy is
 * visible, so every call runs in a private mount namespace in which it is unmounted; crun then uses the
 * cgroup v1 controllers and the limits hold.
 */
final class Crun {
    private final Path stateRoot;
    private final CgroupMode cgroups;

    Crun(Path stateRoot, CgroupMode cgroups) {
        this.stateRoot = stateRoot;
        this.cgroups = cgroups;
    }

    CgroupMode cgroups() {
        return cgroups;
    }

    /** Starts the guest detached; its init keeps crun's stdio, so that goes to the console log, not to a pipe. */
    Exec.Result run(String id, Path bundle, Path pidFile, Path consoleLog) {
        return exec(List.of("run", "--detach", "--bundle", bundle.toString(), "--pid-file", pidFile.toString(), id)).outputTo(consoleLog)
                .run();
    }

    Exec.Result kill(String id, String signal) {
        return call("kill", id, signal);
    }

    Exec.Result delete(String id) {
        return call("delete", "--force", id);
    }

    /** The container's status (created, running, stopped), or null when crun does not know it. */
    String status(String id) {
        if (!Files.isDirectory(stateRoot.resolve(id))) {
            return null; // crun keeps a container's state in a folder of its id: no need to start it to hear "no"
        }
        Exec.Result result = call("state", id);
        if (!result.ok()) {
            return null;
        }
        int at = result.stdout().indexOf("\"status\"");
        if (at < 0) {
            return null;
        }
        String rest = result.stdout().substring(at + 8);
        int open = rest.indexOf('"');
        return rest.substring(open + 1, rest.indexOf('"', open + 1));
    }

    private Exec.Result call(String... args) {
        return exec(List.of(args)).run();
    }

    private Exec exec(List<String> args) {
        List<String> crun = new ArrayList<>(List.of("crun", "--root", stateRoot.toString()));
        if (cgroups == CgroupMode.NONE) {
            crun.add("--cgroup-manager=disabled");
        }
        crun.addAll(args);
        if (cgroups != CgroupMode.HYBRID) {
            return Exec.of(crun).timeoutSeconds(60);
        }
        List<String> wrapped = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--",
                "sh", "-c", "umount /sys/fs/cgroup/unified && exec \"$@\"", "crun"));
        wrapped.addAll(crun);
        return Exec.of(wrapped).timeoutSeconds(60);
    }
}
