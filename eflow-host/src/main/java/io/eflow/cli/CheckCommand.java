package io.eflow.cli;

import io.eflow.contract.wire.Check;
import io.eflow.platform.EflowException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;

/** {@code iotedge check} for an instance: runtime, hub, disks, clock, images, modules. Exit 1 when any check errs. */
@Command(name = "check", description = "Check the guest's edge runtime: runtime up, hub reachable, disk space, clock,"
        + " images verified, modules running.")
final class CheckCommand extends EflowCommand implements Runnable {
    @Mixin
    NameOption name;

    @Mixin
    JsonOption json;

    @Override
    public void run() {
        List<Check> checks = client().check(name.instance());
        print(json, checks, CheckCommand::text);
        for (Check check : checks) {
            if (check.status().equals("error")) {
                throw new EflowException("check failed: " + check.description() + " (" + check.detail() + ")");
            }
        }
    }

    static String text(List<Check> checks) {
        StringBuilder text = new StringBuilder();
        for (Check check : checks) {
            String mark = switch (check.status()) {
                case "ok" -> "√";
                case "warning" -> "‼";
                default -> "×";
            };
            text.append(mark).append(' ').append(check.description()).append(" - ").append(check.detail()).append('\n');
        }
        return text.toString();
    }
}
