package io.eflow.cli;

import io.eflow.channel.CommandResult;
import io.eflow.daemon.api.InvokeRequest;
import io.eflow.platform.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * Invoke-EflowVmCommand. The command's bytes go to this process's stdout and stderr unchanged and its exit code
 * becomes ours, so {@code eflow invoke -- cat f > copy} and {@code if eflow invoke -- test -d /x} both work.
 * Everything after the first word of CMD belongs to CMD (stop-at-positional), so {@code --} is optional.
 */
@Command(name = "invoke", description = "Run a command in the guest as iotedge-user; its output and exit code pass through (Invoke-EflowVmCommand).")
final class InvokeCommand extends EflowCommand implements Callable<Integer> {
    @Mixin
    NameOption name;

    @Option(names = "--ignore-error", description = "Exit 0 whatever the command's exit code.")
    boolean ignoreError;

    @Option(names = "--timeout", paramLabel = "S", description = "Seconds before the command is stopped (default: "
            + InvokeRequest.DEFAULT_TIMEOUT_SECONDS + ").")
    Long timeoutSeconds;

    @Mixin
    JsonOption json;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments, e.g. -- sh -c 'ls /var'.")
    List<String> command;

    @Override
    public Integer call() {
        CommandResult result = client().invoke(name.instance(), request());
        CliContext context = context();
        if (json.json) {
            context.out().println(Json.pretty(result));
        } else {
            context.out().writeBytes(result.stdout());
            context.out().flush();
            context.err().writeBytes(result.stderr());
            context.err().flush();
        }
        return ignoreError ? 0 : result.exitCode();
    }

    InvokeRequest request() {
        return new InvokeRequest(List.copyOf(command), timeoutSeconds);
    }
}
