package io.eflow.backend.namespace;

import java.nio.file.Files;
import java.nio.file.Path;

/** How this host's cgroups are laid out, which decides whether crun can enforce CPU and memory limits. */
enum CgroupMode {
    /** cgroup v2 only: crun works as is. */
    UNIFIED,
    /** v1 controllers plus a v2 hierarchy at /sys/fs/cgroup/unified: crun must not see the latter. */
    HYBRID,
    /** v1 controllers only. */
    LEGACY,
    /** no usable controllers: guests run without limits, with a warning. */
    NONE;

    static CgroupMode detect(Path cgroupRoot) {
        if (Files.exists(cgroupRoot.resolve("cgroup.controllers"))) {
            return UNIFIED;
        }
        boolean v1 = Files.isDirectory(cgroupRoot.resolve("memory")) && Files.isDirectory(cgroupRoot.resolve("cpu"));
        if (v1 && Files.exists(cgroupRoot.resolve("unified/cgroup.controllers"))) {
            return HYBRID;
        }
        return v1 ? LEGACY : NONE;
    }

    boolean enforcesLimits() {
        return this != NONE;
    }
}
