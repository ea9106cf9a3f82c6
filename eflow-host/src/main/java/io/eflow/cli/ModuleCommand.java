package io.eflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.contract.wire.MethodResult;
import io.eflow.contract.wire.ModuleReport;
import io.eflow.modules.HubClient;
import io.eflow.platform.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The deployed modules, like {@code iotedge list}, {@code iotedge restart} and {@code iotedge logs}, and their direct
 * methods, like {@code az iot hub invoke-module-method}.
 */
@Command(name = "module", description = "List deployed modules, restart one, show its logs, or call one of its direct methods.",
        subcommands = {ModuleCommand.ListModules.class, ModuleCommand.Restart.class, ModuleCommand.Logs.class, ModuleCommand.Invoke.class})
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

        static String text(Map<String, ModuleReport> modules) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"NAME", "STATUS", "DESCRIPTION", "RESTARTS", "IMAGE"});
            modules.forEach((module, m) -> rows.add(new String[] {module, text(m.runtimeStatus()), text(m.statusDescription()),
                    Integer.toString(m.restartCount()), text(m.image())}));
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

        private static String text(String value) {
            return value == null ? "" : value;
        }
    }

    @Command(name = "restart", description = "Restart a module now, whatever its back-off: eflow module restart NAME")
    static final class Restart extends EflowCommand implements Runnable {
        @Parameters(paramLabel = "NAME", description = "The module.")
        String module;

        @Option(names = "--new-identity", description = "Make the module's hub identity again first (a new key and generation"
                + " id): tokens and certificates it got before stop working, as when IoT Edge recreates a module.")
        boolean newIdentity;

        @Mixin
        NameOption name;

        @Override
        public void run() {
            client().restartModule(name.instance(), module, newIdentity);
            context().out().println("Restarting " + module + (newIdentity ? " with a new identity" : ""));
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
                String text = line.text();
                String stream = line.stream();
                if (timestamps) {
                    context().out().println(line.time() + " " + stream + " " + text);
                } else if (stream.equals("stderr")) {
                    context().err().println(text);
                } else {
                    context().out().println(text);
                }
                context().out().flush();
            });
        }
    }

    @Command(name = "invoke", description = "Call a module's direct method and print the payload it answers:"
            + " eflow module invoke filter reset --payload '{\"hard\":true}'. Exits 1 when its status is 400 or more.")
    static final class Invoke extends EflowCommand implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "MODULE", description = "The module.")
        String module;

        @Parameters(index = "1", paramLabel = "METHOD", description = "The direct method's name.")
        String method;

        @Option(names = "--payload", paramLabel = "JSON", description = "The method's payload, any JSON value (default: null).")
        String payload;

        @Option(names = "--timeout", paramLabel = "SECONDS", description = "How long the module has to answer (default: "
                + HubClient.DEFAULT_METHOD_TIMEOUT_SECONDS + ", at most 300).")
        Integer timeout;

        @Mixin
        NameOption name;

        @Override
        public Integer call() {
            JsonNode payload = payload();
            MethodResult result = client().invokeMethod(name.instance(), module, method, payload, timeout);
            context().out().println(Json.pretty(result.payload() == null ? Json.MAPPER.nullNode() : result.payload()));
            int status = result.status();
            if (status >= 400) {
                context().err().println("eflow: " + module + " answered " + method + " with status " + status);
                return EflowCli.FAILURE;
            }
            return 0;
        }

        JsonNode payload() {
            if (payload == null) {
                return null;
            }
            try {
                return Json.readValue(payload.getBytes(StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw usage("--payload is not JSON: " + e.getMessage());
            }
        }
    }
}
