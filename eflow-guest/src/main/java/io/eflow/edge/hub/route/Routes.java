package io.eflow.edge.hub.route;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads the routes of {@code $edgeHub}'s desired properties: each a route string (schema 1.0 and later) or an object
 * {@code {"route": "...", "priority": 0-9, "timeToLiveSecs": n}} (schema 1.1). The routes are all accepted or, at the
 * first bad one, all refused with a {@link RouteException} that names the route by its JSON path.
 */
public final class Routes {
    /** IoT Edge reads timeToLiveSecs as an unsigned 32-bit number. */
    private static final long MAX_TIME_TO_LIVE = 4_294_967_295L;
    private static final String PATH = "routes";
    private static final String ROUTE_OBJECT = "{\"route\": \"FROM … INTO …\", \"priority\": 0-9, \"timeToLiveSecs\": …}";

    private Routes() {
    }

    /** The routes with the hub's default time-to-live, for desired properties without storeAndForwardConfiguration. */
    public static List<Route> parse(JsonNode routes) {
        return parse(routes, io.eflow.edge.manifest.EdgeHubProperties.DEFAULT_TIME_TO_LIVE_SECS);
    }

    /**
     * @param routes                the value of {@code routes}, by name; null or JSON null is no routes
     * @param defaultTimeToLiveSecs {@code storeAndForwardConfiguration.timeToLiveSecs}, for routes that set none
     * @return in document order
     */
    public static List<Route> parse(JsonNode routes, long defaultTimeToLiveSecs) {
        if (routes == null || routes.isNull() || routes.isMissingNode()) {
            return List.of();
        }
        if (!routes.isObject()) {
            throw new RouteException(PATH, 0, "must be an object of routes by name, not " + kind(routes));
        }
        List<Route> parsed = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = routes.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> route = it.next();
            String path = PATH + "." + route.getKey();
            if (route.getKey().isBlank()) {
                throw new RouteException(path, 0, "route names must not be empty");
            }
            parsed.add(route(route.getKey(), route.getValue(), path, defaultTimeToLiveSecs));
        }
        return List.copyOf(parsed);
    }

    private static Route route(String name, JsonNode value, String path, long defaultTimeToLive) {
        if (value.isTextual()) {
            return parse(name, value.textValue(), path, Route.DEFAULT_PRIORITY, defaultTimeToLive);
        }
        if (!value.isObject()) {
            throw new RouteException(path, 0, "must be a route string or an object " + ROUTE_OBJECT + ", not " + kind(value));
        }
        JsonNode text = value.get("route");
        if (text == null || text.isNull()) {
            throw new RouteException(path + ".route", 0, "is required: the route's text, FROM … INTO …");
        }
        if (!text.isTextual()) {
            throw new RouteException(path + ".route", 0, "must be a string, not " + kind(text));
        }
        int priority = (int) integer(value, "priority", path, 9, Route.DEFAULT_PRIORITY);
        long timeToLive = integer(value, "timeToLiveSecs", path, MAX_TIME_TO_LIVE, 0);
        // 0 is how IoT Edge marks "not set": the store-and-forward time-to-live applies
        return parse(name, text.textValue(), path + ".route", priority, timeToLive == 0 ? defaultTimeToLive : timeToLive);
    }

    private static Route parse(String name, String text, String path, int priority, long timeToLive) {
        if (text.isBlank()) {
            throw new RouteException(path, 0, "must not be empty: a route is FROM … INTO …");
        }
        try {
            return Route.parse(name, text, priority, timeToLive);
        } catch (RouteException e) {
            throw e.under(path);
        }
    }

    /** An optional integer field from 0 to max; absent and null both give {@code absent}. */
    private static long integer(JsonNode object, String field, String path, long max, long absent) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0 || value.longValue() > max) {
            throw new RouteException(path + "." + field, 0, "must be an integer from 0 to " + max + ", not "
                    + (value.isNumber() ? value.toString() : kind(value)));
        }
        return value.longValue();
    }

    private static String kind(JsonNode value) {
        return switch (value.getNodeType()) {
            case OBJECT, POJO -> "an object";
            case ARRAY -> "an array";
            case STRING -> "a string";
            case NUMBER -> "the number " + value;
            case BOOLEAN -> value.toString();
            default -> "null";
        };
    }
}
