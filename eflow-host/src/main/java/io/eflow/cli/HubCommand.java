package io.eflow.cli;

import io.eflow.platform.EflowException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The edge hub from the host: its state, messages into module inputs and out of module outputs, identities for host
 * applications, the CA certificate they trust on the hub's TLS port, and the upstream link.
 */
@Command(name = "hub", description = "The edge hub: status, metrics, publish and subscribe, identities, its CA, the upstream link.",
        subcommands = {HubCommand.Status.class, HubCommand.Metrics.class, HubPublishCommand.class, HubSubscribeCommand.class,
                HubIdentityCommand.class, HubCommand.Ca.class, HubUpstreamCommand.class})
final class HubCommand extends CommandGroup {
    @Command(name = "status", description = "Clients, the upstream link, each endpoint's queue, and message counts per source and route.")
    static final class Status extends EflowCommand implements Runnable {
        @Mixin
        NameOption name;

        @Mixin
        JsonOption json;

        @Override
        public void run() {
            print(json, client().hubStatus(name.instance()), HubStatusText::text);
        }
    }

    @Command(name = "metrics", description = "The hub's counters in the Prometheus text format.")
    static final class Metrics extends EflowCommand implements Runnable {
        @Mixin
        NameOption name;

        @Override
        public void run() {
            context().out().print(client().hubMetrics(name.instance()));
            context().out().flush();
        }
    }

    @Command(name = "ca", description = "The edge CA certificate (PEM) that host applications trust for the hub's TLS port 8883.")
    static final class Ca extends EflowCommand implements Runnable {
        @Option(names = "--out", paramLabel = "FILE", description = "Write it to FILE instead of printing it.")
        String out;

        @Mixin
        NameOption name;

        @Override
        public void run() {
            String pem = client().hubCa(name.instance());
            String withEnd = pem.endsWith("\n") ? pem : pem + "\n";
            if (out == null) {
                context().out().print(withEnd);
                context().out().flush();
                return;
            }
            Path file = Path.of(context().absolute(out));
            try {
                Files.writeString(file, withEnd, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new EflowException("cannot write " + file + ": " + e.getMessage());
            }
            context().out().println("Wrote the edge CA certificate to " + file);
        }
    }
}
