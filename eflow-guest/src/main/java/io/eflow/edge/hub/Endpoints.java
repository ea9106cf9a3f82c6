package io.eflow.edge.hub;

import io.eflow.contract.route.Sink;
import io.eflow.edge.hub.upstream.UpstreamConnector;

import java.util.Optional;

/**
 * The store's name for each place messages wait: {@code $upstream}, or {@code {module}/inputs/{input}} for
 * a module's input (the path of IoT Edge's {@code BrokeredEndpoint("/modules/{module}/inputs/{input}")}), which the
 * routes fill, and {@code $devicebound}, the device's cloud-to-device messages, which the upstream link fills.
 */
public final class Endpoints {
    public static final String UPSTREAM = "$upstream";
    public static final String DEVICEBOUND = UpstreamConnector.DEVICEBOUND;
    private static final String INPUTS = "/inputs/";

    /** A module input, as the store names it. */
    public record ModuleInput(String module, String input) {
        public String endpoint() {
            return module + INPUTS + input;
        }
    }

    private Endpoints() {
    }

    public static String of(Sink sink) {
        if (sink instanceof Sink.ModuleInput input) {
            return new ModuleInput(input.moduleId(), input.input()).endpoint();
        }
        return UPSTREAM;
    }

    /** The module input an endpoint names; empty for {@code $upstream}. */
    public static Optional<ModuleInput> moduleInput(String endpoint) {
        int at = endpoint.indexOf(INPUTS);
        if (endpoint.equals(UPSTREAM) || at <= 0 || at + INPUTS.length() >= endpoint.length()) {
            return Optional.empty();
        }
        return Optional.of(new ModuleInput(endpoint.substring(0, at), endpoint.substring(at + INPUTS.length())));
    }
}
