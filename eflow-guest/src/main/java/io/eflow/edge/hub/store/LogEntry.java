package io.eflow.edge.hub.store;

import java.util.List;

/** A record read back from a segment. {@code payload} is empty when only the routing was asked for. */
record LogEntry(long enqueuedAtMillis, String source, List<Route> routes, byte[] payload) {
    /** One destination of a stored message and when the message expires there (epoch millis). */
    record Route(String endpoint, long expiresAtMillis) {
    }

    /** When the message expires at {@code endpoint}; already expired if the message was never routed there. */
    long expiresAt(String endpoint) {
        for (Route route : routes) {
            if (route.endpoint().equals(endpoint)) {
                return route.expiresAtMillis();
            }
        }
        return Long.MIN_VALUE;
    }
}
