package io.eflow.edge.hub.route;

import io.eflow.edge.hub.HubMessage;

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
    public static Router of(io.eflow.edge.manifest.EdgeHubProperties hub) {
        List<Route> routes = new java.util.ArrayList<>();
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
            if (route.matches(evaluation)) {
                bySink.merge(route.sink(), route, Router::preferred);
            }
        }
        return bySink.isEmpty() ? List.of() : List.copyOf(bySink.values());
    }

    private static Route preferred(Route kept, Route other) {
        if (other.priority() != kept.priority()) {
            return other.priority() < kept.priority() ? other : kept;
        }
        return other.timeToLiveSecs() > kept.timeToLiveSecs() ? other : kept;
    }
}
