package io.eflow.contract.manifest;

import io.eflow.contract.route.Route;
import io.eflow.contract.route.RouteException;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads $edgeHub's desired properties: the routes (kept as text, the hub parses them) and store-and-forward. */
final class HubReader {
    private static final long MAX_ROUTE_TIME_TO_LIVE = 4_294_967_295L; // the hub reads it as an unsigned 32-bit number

    private HubReader() {
    }

    static EdgeHubProperties read(Node desired) {
        Fields fields = desired.fields();
        String schemaVersion = ManifestReader.schemaVersion(fields);
        long timeToLive = fields.optional("storeAndForwardConfiguration").map(HubReader::timeToLive)
                .orElse(EdgeHubProperties.DEFAULT_TIME_TO_LIVE_SECS);
        boolean routeObjects = !schemaVersion.startsWith("1.0");
        Map<String, RouteEntry> routes = new LinkedHashMap<>();
        fields.optional("routes").ifPresent(node -> node.members().forEach((name, route) -> {
            if (name.isBlank()) {
                throw route.fail("route names must not be empty");
            }
            routes.put(name, route(name, route, routeObjects, timeToLive));
        }));
        fields.finish();
        return new EdgeHubProperties(schemaVersion, routes, timeToLive);
    }

    private static long timeToLive(Node node) {
        Fields fields = node.fields();
        long timeToLive = fields.integer("timeToLiveSecs", 0, Integer.MAX_VALUE, EdgeHubProperties.DEFAULT_TIME_TO_LIVE_SECS);
        fields.finish();
        return timeToLive;
    }

    private static RouteEntry route(String name, Node node, boolean objects, long defaultTimeToLive) {
        if (node.json().isTextual()) {
            return checked(name, node, node.nonBlankText(), RouteEntry.DEFAULT_PRIORITY, defaultTimeToLive);
        }
        if (!objects) {
            throw node.fail("must be a route string such as \"FROM /messages/* INTO $upstream\"; routes with priority and"
                    + " timeToLiveSecs need $edgeHub schemaVersion 1.1");
        }
        if (!node.json().isObject()) {
            throw node.fail("must be a route string or an object {\"route\": …, \"priority\": 0-9, \"timeToLiveSecs\": …}");
        }
        Fields fields = node.fields();
        String route = fields.text("route");
        int priority = (int) fields.integer("priority", 0, 9, RouteEntry.DEFAULT_PRIORITY);
        long timeToLive = fields.integer("timeToLiveSecs", 0, MAX_ROUTE_TIME_TO_LIVE, 0);
        fields.finish();
        return checked(name, node.child("route", node.json().get("route")), route, priority,
                timeToLive == 0 ? defaultTimeToLive : timeToLive);
    }

    /** The route grammar the hub runs judges the text, so a route the hub could not run is refused with the manifest. */
    private static RouteEntry checked(String name, Node at, String text, int priority, long timeToLive) {
        try {
            Route.parse(name, text, priority, timeToLive);
        } catch (RouteException e) {
            throw at.fail((e.column() > 0 ? "at column " + e.column() + ": " : "") + e.problem());
        }
        return new RouteEntry(text, priority, timeToLive);
    }
}
