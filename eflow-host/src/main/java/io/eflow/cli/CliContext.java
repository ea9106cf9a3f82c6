package io.eflow.cli;

import io.eflow.platform.EflowPaths;
import io.eflow.platform.Privileges;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a CLI run sees of the world: environment, working directory, standard streams and whether it runs as root.
 * Tests build one with their own streams and {@code EFLOW_HOME}; {@link #system()} is the real process.
 */
record CliContext(Map<String, String> env, Path cwd, InputStream in, PrintStream out, PrintStream err, boolean root) {

    static CliContext system() {
        return new CliContext(System.getenv(), Path.of("").toAbsolutePath(), System.in, System.out, System.err, Privileges.isRoot());
    }

    /** Whether a person watches: this process's own output on a terminal (a test's captured streams are not). */
    boolean terminal() {
        return out == System.out && System.console() != null;
    }

    EflowPaths paths() {
        return EflowPaths.from(env);
    }

    boolean debug() {
        return "1".equals(env.get("EFLOW_DEBUG"));
    }

    /** The other host's daemon {@code --host} or EFLOW_HOST names; empty: this host's. */
    Optional<RemoteTarget> remote() {
        return RemoteTarget.from(env, cwd);
    }

    /** A client of the remote daemon, or of this host's, which it starts when nobody answers. */
    DaemonClient client() {
        Optional<RemoteTarget> remote = remote();
        if (remote.isPresent()) {
            return new DaemonClient(remote.get().http(), null);
        }
        EflowPaths paths = paths();
        return new DaemonClient(DaemonHttp.unix(paths.daemonSocket()), new DaemonLauncher(paths, env));
    }

    /** A client that only talks to a daemon already running. */
    DaemonClient clientIfRunning() {
        Optional<RemoteTarget> remote = remote();
        return new DaemonClient(remote.isPresent() ? remote.get().http() : DaemonHttp.unix(paths().daemonSocket()), null);
    }

    CliContext withEnv(Map<String, String> newEnv) {
        return new CliContext(newEnv, cwd, in, out, err, root);
    }

    /** A host path as the user typed it, made absolute against the CLI's working directory (the daemon's is /). */
    String absolute(String path) {
        return cwd.resolve(path).normalize().toString();
    }
}
