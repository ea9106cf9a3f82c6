package io.eflow.contract.wire;

import java.util.Map;

/**
 * The edge hub at a glance: connected clients, the upstream link, messages per source and per route, what went
 * nowhere or was refused, and the store's use with its queue per endpoint.
 */
public record HubStatus(int clients, UpstreamState upstream, Map<String, Long> received, Map<String, Long> routed,
                        long unrouted, long refused, Store store) {

    /** The store's use of its space, and what it refused for lack of it. */
    public record Store(long bytesUsed, long maxBytes, long refusedFull, Map<String, Endpoint> endpoints) {
    }

    /** One endpoint's queue: waiting, sent but unacknowledged, the oldest's age, and what became of the rest. */
    public record Endpoint(long queueLength, long inFlight, double oldestAgeSeconds, long delivered, long expired,
                           long redelivered, long unreadable) {
    }
}
