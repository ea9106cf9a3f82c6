package io.eflow.cli;

import io.eflow.contract.proxy.ProxySettings;
import io.eflow.daemon.api.ProxyChange;
import io.eflow.daemon.api.ProxyView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * The instance's proxy (Set-EflowVmProxyServers): image pulls, DPS, the IoT Hub link (MQTT over TLS tunnelled with
 * CONNECT) and update downloads go through it; in force at once in a running guest and at every start.
 */
@Command(name = "proxy", description = "Show, set or clear the proxy the instance's outbound traffic uses (Set-EflowVmProxyServers).",
        subcommands = {ProxyCommand.Show.class, ProxyCommand.Set.class, ProxyCommand.Clear.class})
final class ProxyCommand extends CommandGroup {

    @Command(name = "show", description = "The proxy the guest is given, and the one it uses now.")
    static final class Show extends InstanceCommand implements Runnable {
        @Override
        public void run() {
            print(json, client().proxy(name.instance()), ProxyCommand::text);
        }
    }

    @Command(name = "set", description = "eflow proxy set --https http://proxy:3128 [--http http://proxy:3128] [--no-proxy host,.domain]")
    static final class Set extends InstanceCommand implements Runnable {
        @Option(names = "--http", paramLabel = "URL", description = "The proxy for http:// URLs (image pulls from plain registries).")
        String http;

        @Option(names = "--https", paramLabel = "URL", description = "The proxy for TLS: HTTPS and MQTT to the IoT Hub, tunnelled with CONNECT.")
        String https;

        @Option(names = "--no-proxy", split = ",", paramLabel = "HOST", description = "Hosts that go direct: names (with their"
                + " subdomains), addresses, or *.")
        List<String> noProxy;

        @Override
        public void run() {
            if (http == null && https == null) {
                throw usage("proxy set needs --http URL, --https URL or both (proxy clear removes them)");
            }
            print(json, client().setProxy(name.instance(), new ProxyChange(http, https, noProxy)), ProxyCommand::text);
        }
    }

    @Command(name = "clear", description = "No proxy: the instance's traffic goes direct.")
    static final class Clear extends InstanceCommand implements Runnable {
        @Override
        public void run() {
            print(json, client().setProxy(name.instance(), new ProxyChange(null, null, null)), ProxyCommand::text);
        }
    }

    static String text(ProxyView view) {
        String text = view.name() + ": " + describe(view.settings());
        return view.inGuest() == null ? text + "; stopped" : text + "\nin the guest now: " + describe(view.inGuest());
    }

    private static String describe(ProxySettings settings) {
        if (settings.isEmpty()) {
            return "no proxy";
        }
        return "http " + (settings.http() == null ? "direct" : settings.http()) + ", https " + (settings.https() == null ? "direct"
                : settings.https()) + (settings.noProxy().isEmpty() ? "" : ", not for " + String.join(",", settings.noProxy()));
    }
}
