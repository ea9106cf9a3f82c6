package io.eflow.cli;

import io.eflow.contract.wire.UpstreamState;
import io.eflow.daemon.api.UpstreamChange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;


/** Where messages routed to {@code $upstream} go: an IoT Hub (as its device) or an MQTT broker. */
@Command(name = "upstream", description = "Set, show or clear the hub's upstream link: an IoT Hub or an MQTT broker.",
        subcommands = {HubUpstreamCommand.Set.class, HubUpstreamCommand.Show.class, HubUpstreamCommand.Clear.class})
final class HubUpstreamCommand extends CommandGroup {
    private static final String STDIN = "-";

    @Command(name = "set", description = "Connect the hub upstream: eflow hub upstream set 'HostName=…;DeviceId=…;SharedAccessKey=…',"
            + " eflow hub upstream set mqtts://user:pass@broker:8883 --device-id edge1, or - to read the value from stdin"
            + " (keeps a key out of the shell's history)")
    static final class Set extends EflowCommand implements Runnable {
        @Parameters(paramLabel = "VALUE", description = "An IoT Hub device connection string, mqtt://[user:pass@]host:port or mqtts://…; - reads it from stdin.")
        String value;

        @Option(names = "--device-id", paramLabel = "D", description = "The device ID, when VALUE does not carry one (mqtt).")
        String deviceId;

        @Mixin
        NameOption name;

        @Override
        public void run() {
            String upstream = value.equals(STDIN) ? stdinLine() : value;
            if (upstream.isBlank()) {
                throw usage("the upstream needs a value: an IoT Hub connection string, mqtt://… or mqtts://…");
            }
            UpstreamState shown = client().setHubUpstream(name.instance(), new UpstreamChange(upstream.strip(), deviceId));
            context().out().println("Upstream set: " + summary(shown));
        }
    }

    @Command(name = "show", description = "The upstream's kind, endpoint and device ID (never its key).")
    static final class Show extends EflowCommand implements Runnable {
        @Mixin
        NameOption name;

        @Mixin
        JsonOption json;

        @Override
        public void run() {
            print(json, client().hubUpstream(name.instance()), upstream -> upstream.configured()
                    ? TextRenderer.keyValues(upstream) : "No upstream: eflow hub upstream set VALUE connects one.");
        }
    }

    @Command(name = "clear", description = "Disconnect the upstream and forget it.")
    static final class Clear extends EflowCommand implements Runnable {
        @Mixin
        NameOption name;

        @Override
        public void run() {
            client().clearHubUpstream(name.instance());
            context().out().println("Upstream cleared");
        }
    }

    /** "mqtts://broker:8883, connected" or "…, not connected yet". */
    static String summary(UpstreamState upstream) {
        if (!upstream.configured()) {
            return "not configured";
        }
        return (upstream.endpoint() == null ? "?" : upstream.endpoint()) + (upstream.connected() ? ", connected" : ", not connected yet");
    }
}
