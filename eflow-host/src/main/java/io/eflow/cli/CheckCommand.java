package io.eflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.platform.EflowException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

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
        JsonNode checks = client().check(name.instance());
        print(json, checks, CheckCommand::text);
        for (JsonNode check : checks) {
            if (check.path("status").asText().equals("error")) {
                throw new EflowException("check failed: " + check.path("description").asText() + " ("
                        + check.path("detail").asText() + ")");
            }
        }
    }

    static String text(JsonNode checks) {
        StringBuilder text = new StringBuilder();
        for (JsonNode check : checks) {
            String mark = switch (check.path("status").asText()) {
                case "ok" -> "√";
                case "warning" -> "‼";
                default -> "×";
            };
            text.append(mark).append(' ').append(check.path("description").asText()).append(" - ")
                    .append(check.path("detail").asText()).append('\n');
        }
        return text.toString();
    }
}
