package io.eflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** The deployed modules, like {@code iotedge list}, {@code iotedge restart} and {@code iotedge logs}. */
@Command(name = "module", description = "List deployed modules, restart one, or show its logs.",
        subcommands = {ModuleCommand.ListModules.class, ModuleCommand.Restart.class, ModuleCommand.Logs.class})
final class ModuleCommand extends CommandGroup {
    @Command(name = "list", description = "The deployed modules with status, description and image (iotedge list).")
    static final class ListModules extends EflowCommand implements Runnable {
        @Mixin
        NameOption name;

        @Mixin
        JsonOption json;

        @Override
        public void run() {
            print(json, client().modules(name.instance()), ListModules::text);
        }

        static String text(JsonNode modules) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"NAME", "STATUS", "DESCRIPTION", "RESTARTS", "IMAGE"});
            modules.fields().forEachRemaining(module -> {
                JsonNode m = module.getValue();
                rows.add(new String[] {module.getKey(), m.path("runtimeStatus").asText(), m.path("statusDescription").asText(),
                        m.path("restartCount").asText(), m.path("image").asText()});
            });
            int[] widths = new int[rows.get(0).length];
            rows.forEach(row -> {
                for (int i = 0; i < row.length; i++) {
                    widths[i] = Math.max(widths[i], row[i].length());
                }
            });
            StringBuilder text = new StringBuilder();
            for (String[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    text.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 3) + "s", row[i]));
                }
                text.append('\n');
            }
            return text.toString();
        }
    }

    @Command(name = "restart", description = "Restart a module now, whatever its back-off: eflow module restart NAME")
    static final class Restart extends EflowCommand implements Runnable {
        @Parameters(paramLabel = "NAME", description = "The module.")
        String module;

        @Mixin
        NameOption name;

        @Override
        public void run() {
            client().restartModule(name.instance(), module);
            context().out().println("Restarting " + module);
        }
    }

    @Command(name = "logs", description = "A module's stdout and stderr (iotedge logs): eflow module logs NAME --tail 50 -f")
    static final class Logs extends EflowCommand implements Runnable {
        @Parameters(paramLabel = "NAME", description = "The module.")
        String module;

        @Option(names = "--tail", paramLabel = "N", description = "Only the last N lines.")
        Integer tail;

        @Option(names = "--since", paramLabel = "T", description = "Only lines since T: RFC 3339, Unix seconds, or a duration ago (90s, 15m, 2h, 1d).")
        String since;

        @Option(names = {"-f", "--follow"}, description = "Keep printing new lines.")
        boolean follow;

        @Option(names = {"-t", "--timestamps"}, description = "Prefix each line with its time and stream.")
        boolean timestamps;

        @Mixin
        NameOption name;

        @Override
        public void run() {
            client().moduleLogs(name.instance(), module, tail, since, follow, line -> {
                String text = line.path("text").asText();
                String stream = line.path("stream").asText();
                if (timestamps) {
                    context().out().println(line.path("time").asText() + " " + stream + " " + text);
                } else if (stream.equals("stderr")) {
                    context().err().println(text);
                } else {
                    context().out().println(text);
                }
                context().out().flush();
            });
        }
    }
}
