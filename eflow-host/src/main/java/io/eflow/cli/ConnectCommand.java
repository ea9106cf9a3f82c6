package io.eflow.cli;

import io.eflow.daemon.api.ConnectInfo;
import io.eflow.platform.EflowException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Connect-EflowVm: an interactive shell through the host's own OpenSSH client, which owns the terminal. */
@Command(name = "connect", description = "Open an interactive SSH session in the guest (Connect-EflowVm); exits with ssh's exit code.")
final class ConnectCommand extends EflowCommand implements Callable<Integer> {
    @Mixin
    NameOption name;

    @Override
    public Integer call() {
        CliContext context = context();
        requireOnPath(context, "ssh", "openssh-client");
        requireOnPath(context, "socat", "socat");
        ConnectInfo info = client().connect(name.instance());
        try {
            Process ssh = new ProcessBuilder(SshCommand.argv(info)).inheritIO().start();
            return ssh.waitFor();
        } catch (IOException e) {
            throw new EflowException(500, "cannot run ssh: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EflowException(500, "interrupted while ssh was running");
        }
    }

    private static void requireOnPath(CliContext context, String program, String debianPackage) {
        String path = context.env().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return;
            }
        }
        throw new EflowException("connect needs " + program + " on the host: apt-get install " + debianPackage);
    }
}
