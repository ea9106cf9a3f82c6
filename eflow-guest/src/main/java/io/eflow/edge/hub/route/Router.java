package io.eflow.edge.hub.route;

import io.eflow.contract.manifest.EdgeHubProperties;
import io.eflow.contract.route.Route;
import io.eflow.contract.route.Sink;
import io.eflow.contract.route.Source;
import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.MessageSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides where a message goes. Immutable and thread-safe; a new set of routes is a new router.
 */
public final class Router {
    private final List<Route> routes;

    public Router(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    /**
     * The router of a deployment's hub settings. The manifest reader has checked every route already, so none fails
     * here; a route's time-to-live is its own, else the store-and-forward one.
     */
    public static Router of(EdgeHubProperties hub) {
        List<Route> routes = new ArrayList<>();
        hub.routes().forEach((name, route) -> routes.add(Route.parse(name, route.route(), route.priority(), route.timeToLiveSecs())));
        return new Router(routes);
    }

    public List<Route> routes() {
        return routes;
    }

    /**
     * The routes that take this message, one per sink: a message goes to a sink once however many routes lead there.
     * Of those, the one with the highest priority wins, as in IoT Edge, whose time-to-live then applies; at equal
     * priority the longer time-to-live, then the route declared first. In the order the sinks' first routes are declared.
     */
    public List<Route> match(HubMessage message) {
        Evaluation evaluation = new Evaluation(message);
        Map<Sink, Route> bySink = new LinkedHashMap<>();
        for (Route route : routes) {
            if (takes(route, evaluation)) {
                bySink.merge(route.sink(), route, Router::preferred);
            }
        }
        return bySink.isEmpty() ? List.of() : List.copyOf(bySink.values());
    }

    /** Whether the route takes this message: it comes from the route's source and the condition is true. */
    public static boolean takes(Route route, HubMessage message) {
        return takes(route, new Evaluation(message));
    }

    private static boolean takes(Route route, Evaluation message) {
        return from(route.source(), message.message().source())
                && route.condition().map(c -> c.holds(message)).orElse(true);
    }

    /** Whether a message from {@code origin} is one the source takes; ids and outputs ignore case, as in IoT Edge. */
    static boolean from(Source source, MessageSource origin) {
        if (source instanceof Source.All) {
            return true;
        }
        if (source instanceof Source.Messages) {
            return origin instanceof MessageSource.Device || origin instanceof MessageSource.Module;
        }
        if (source instanceof Source.TwinChanges) {
            return origin instanceof MessageSource.TwinChange;
        }
        if (!(origin instanceof MessageSource.Module module)) {
            return false;
        }
        if (source instanceof Source.Modules) {
            return true;
        }
        if (source instanceof Source.Module one) {
            return module.moduleId().equalsIgnoreCase(one.moduleId());
        }
        if (source instanceof Source.ModuleOutputs outputs) {
            return module.moduleId().equalsIgnoreCase(outputs.moduleId()) && module.output().isPresent();
        }
        Source.ModuleOutput output = (Source.ModuleOutput) source;
        return module.moduleId().equalsIgnoreCase(output.moduleId())
                && module.output().filter(output.output()::equalsIgnoreCase).isPresent();
    }

    private static Route preferred(Route kept, Route other) {
        if (other.priority() != kept.priority()) {
            return other.priority() < kept.priority() ? other : kept;
        }
        return other.timeToLiveSecs() > kept.timeToLiveSecs() ? other : kept;
    }
}
