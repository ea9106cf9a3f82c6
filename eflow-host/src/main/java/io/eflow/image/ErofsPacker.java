package io.eflow.image;

import io.eflow.platform.Exec;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Packs the guest tree into a read-only erofs with erofs-utils. lz4hc because erofs-utils 1.5 offers only
 * lz4/lz4hc and lz4hc packs the JRE rootfs to ~218 MiB in ~10 s; fixed timestamp and UUID so the same
 * tree always gives the same bytes.
 */
final class ErofsPacker {
    static final long TIMEOUT_SECONDS = 900;

    private ErofsPacker() {
    }

    static List<String> command(Path tree, Path output, Instant timestamp, UUID uuid) {
        return List.of("mkfs.erofs", "-zlz4hc", "-T" + timestamp.getEpochSecond(), "-U" + uuid, "--quiet",
                output.toString(), tree.toString());
    }

    static void pack(Path tree, Path output, Instant timestamp, UUID uuid) {
        Exec.of(command(tree, output, timestamp, uuid)).timeoutSeconds(TIMEOUT_SECONDS).check();
    }
}
