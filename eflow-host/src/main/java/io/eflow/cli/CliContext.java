package io.eflow.cli;

import io.eflow.platform.EflowPaths;
import io.eflow.platform.Privileges;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a CLI run sees of the world: environment, working directory, standard streams and whether it runs as root.
 * Tests build one with their own streams and {@code EFLOW_HOME}; {@link #system()} is the real process.
 */
record CliContext(Map<String, String> env, Path cwd, InputStream in, PrintStream out, PrintStream err, boolean root) {

    static CliContext system() {
        return new CliContext(System.getenv(), Path.of("").toAbsolutePath(), System.in, System.out, System.err, Privileges.isRoot());
    }

    EflowPaths paths() {
        return EflowPaths.from(env);
    }

    boolean debug() {
        return "1".equals(env.get("EFLOW_DEBUG"));
    }

    /** A client that starts eflowd when nobody answers. */
    DaemonClient client() {
        EflowPaths paths = paths();
        return new DaemonClient(new UnixHttpClient(paths.daemonSocket()), new DaemonLauncher(paths, env));
    }

    /** A client that only talks to a daemon already running. */
    DaemonClient clientIfRunning() {
        return new DaemonClient(new UnixHttpClient(paths().daemonSocket()), null);
    }

    /** A host path as the user typed it, made absolute against the CLI's working directory (the daemon's is /). */
    String absolute(String path) {
        return cwd.resolve(path).normalize().toString();
    }
}
