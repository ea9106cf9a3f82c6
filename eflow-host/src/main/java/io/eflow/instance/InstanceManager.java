package io.eflow.instance;

import io.eflow.channel.CommandResult;
import io.eflow.host.HostInfo;
import io.eflow.platform.EflowException;
import io.eflow.platform.EflowPaths;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Owns the instances on this host: the daemon's single entry point for every command.
 * Every method takes an instance name already resolved with {@link #resolveName}.
 */
public final class InstanceManager implements AutoCloseable {
    private final EflowPaths paths;

    public InstanceManager(EflowPaths paths) {
        this.paths = paths;
    }

    /** Returns the name given, or the only instance's name when none is given. */
    public String resolveName(String nameOrNull) {
        throw EflowException.failure("not built", null);
    }

    public InstanceSummary deploy(DeployRequest request, Consumer<String> progress) {
        throw EflowException.failure("not built", null);
    }

    public List<InstanceSummary> list() {
        throw EflowException.failure("not built", null);
    }

    public void start(String name) {
        throw EflowException.failure("not built", null);
    }

    public void stop(String name) {
        throw EflowException.failure("not built", null);
    }

    public InstanceDetails get(String name) {
        throw EflowException.failure("not built", null);
    }

    public boolean verify(String name) {
        throw EflowException.failure("not built", null);
    }

    public GuestAddress addr(String name) {
        throw EflowException.failure("not built", null);
    }

    public HostInfo hostConfig() {
        return HostInfo.probe(paths.home(), paths.cache());
    }

    /** Runs a command (argv, joined with shell quoting) as iotedge-user; a non-zero exit is returned, not thrown. */
    public CommandResult invoke(String name, List<String> command, Duration timeout) {
        throw EflowException.failure("not built", null);
    }

    /** Copies a file between host and guest over SFTP; {@code push} = host to guest. Paths are absolute. */
    public void copy(String name, Path from, String to, boolean push) {
        throw EflowException.failure("not built", null);
    }

    /** Writes a zip of daemon and guest logs and the redacted configuration to {@code output}. */
    public Path logs(String name, Path output) {
        throw EflowException.failure("not built", null);
    }

    public void remove(String name) {
        throw EflowException.failure("not built", null);
    }

    public ConnectInfo connect(String name) {
        throw EflowException.failure("not built", null);
    }

    @Override
    public void close() {
    }
}
