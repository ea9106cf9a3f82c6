package io.eflow.platform;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where eflow keeps things on the host. Defaults follow the FHS; {@code EFLOW_HOME} moves state, runtime
 * and logs under one folder so that tests (and several installs) can run side by side. The image cache
 * and the release signing key are shared by default because building an image takes a minute.
 *
 * @param home       instances, the per-install user CA, trusted keys ({@code /var/lib/eflow})
 * @param run        sockets, mounts of running guests, pid files ({@code /run/eflow})
 * @param log        daemon and guest console logs ({@code /var/log/eflow})
 * @param cache      built images and the Debian base ({@code /var/cache/eflow}, {@code EFLOW_CACHE})
 * @param releaseKey the release signing key pair, kept outside any image ({@code /var/lib/eflow-release},
 *                   {@code EFLOW_RELEASE_KEY_DIR})
 * @param trust      extra trusted release public keys ({@code /etc/eflow/trusted-keys}, {@code EFLOW_TRUST_DIR})
 */
public record EflowPaths(Path home, Path run, Path log, Path cache, Path releaseKey, Path trust) {

    public static EflowPaths fromEnvironment() {
        return from(System.getenv());
    }

    public static EflowPaths from(Map<String, String> env) {
        String home = env.get("EFLOW_HOME");
        Path homeDir = home == null || home.isBlank() ? Path.of("/var/lib/eflow") : Path.of(home).toAbsolutePath();
        Path run = home == null || home.isBlank() ? Path.of("/run/eflow") : homeDir.resolve("run");
        Path log = home == null || home.isBlank() ? Path.of("/var/log/eflow") : homeDir.resolve("log");
        return new EflowPaths(
                homeDir,
                run,
                log,
                pathOr(env, "EFLOW_CACHE", "/var/cache/eflow"),
                pathOr(env, "EFLOW_RELEASE_KEY_DIR", "/var/lib/eflow-release"),
                pathOr(env, "EFLOW_TRUST_DIR", "/etc/eflow/trusted-keys"));
    }

    private static Path pathOr(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return value == null || value.isBlank() ? Path.of(fallback) : Path.of(value).toAbsolutePath();
    }

    public Path instances() {
        return home.resolve("instances");
    }

    public Path instance(String name) {
        return instances().resolve(name);
    }

    /** Runtime folder of one instance: mounts, the guest's SSH socket, the backend's pid files. */
    public Path instanceRun(String name) {
        return run.resolve("instances").resolve(name);
    }

    public Path userCa() {
        return home.resolve("ca");
    }

    public Path daemonSocket() {
        return run.resolve("eflowd.sock");
    }

    /**
     * Update bundles (and their CA files) staged on the host: over the remote API, the only host files an update may
     * name.
     */
    public Path updates() {
        return home.resolve("updates");
    }

    public Path images() {
        return cache.resolve("images");
    }
}
