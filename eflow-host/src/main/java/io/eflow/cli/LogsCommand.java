package io.eflow.cli;

import io.eflow.daemon.api.LogsRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Get-EflowLogs. Without --output the daemon names the bundle in this directory, since only it knows the resolved name. */
@Command(name = "logs", description = "Collect daemon and guest logs into a zip (Get-EflowLogs).")
final class LogsCommand extends EflowCommand implements Runnable {
    @Mixin
    NameOption name;

    @Option(names = "--output", paramLabel = "FILE.zip", description = "Where to write the bundle (default: eflow-logs-<name>-<timestamp>.zip here).")
    String output;

    @Mixin
    JsonOption json;

    @Override
    public void run() {
        print(json, client().logs(name.instance(), request(context())), result -> result.output());
    }

    LogsRequest request(CliContext context) {
        return output == null ? new LogsRequest(null, context.cwd().toString()) : new LogsRequest(context.absolute(output), null);
    }
}
