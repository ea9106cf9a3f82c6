package io.eflow.cli;

import io.eflow.daemon.Eflowd;
import io.eflow.instance.InstanceManager;
import io.eflow.platform.EflowException;
import io.eflow.platform.EflowPaths;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;

/** eflowd in the foreground until SIGTERM: what systemd's eflowd.service runs and what the CLI spawns on demand. */
@Command(name = "daemon", description = "Run the eflow daemon (eflowd) in the foreground until SIGTERM.")
final class DaemonCommand extends EflowCommand implements Callable<Integer> {
    @Option(names = "--detached", hidden = true, description = "Started by the CLI: log to the file only, stderr is a file already.")
    boolean detached;

    @Override
    public Integer call() throws InterruptedException {
        CliContext context = context();
        EflowPaths paths = context.paths();
        configureLogging(paths.log(), context.debug(), detached);
        // logging is configured now; the manager and the daemon may log from here on
        Eflowd eflowd = Eflowd.start(paths, new InstanceManager(paths), DelegatedLine::run);
        Runtime.getRuntime().addShutdownHook(new Thread(eflowd::close, "eflowd-shutdown"));
        eflowd.awaitStop();
        return 0;
    }

    /** Sets logback.xml's variables; must run before the first logger exists, which is why it is here and not in Eflowd. */
    static void configureLogging(Path logDir, boolean debug, boolean detached) {
        try {
            Files.createDirectories(logDir);
            Files.setPosixFilePermissions(logDir, PosixFilePermissions.fromString("rwxr-x---"));
        } catch (IOException e) {
            throw new EflowException(500, "cannot create the log folder " + logDir + ": " + e.getMessage());
        }
        System.setProperty("eflow.log.dir", logDir.toString());
        System.setProperty("eflow.log.level", debug ? "DEBUG" : "INFO");
        System.setProperty("eflow.log.console", detached ? "OFF" : "INFO");
    }
}
