package io.eflow.contract.manifest;

import java.util.Map;

/**
 * The desired properties of {@code $edgeHub}: how messages flow.
 *
 * @param routes                        by name, in manifest order
 * @param storeAndForwardTimeToLiveSecs how long undelivered messages are kept ({@code storeAndForwardConfiguration})
 */
public record EdgeHubProperties(String schemaVersion, Map<String, RouteEntry> routes, long storeAndForwardTimeToLiveSecs) {
    /** The hub's time-to-live when the manifest gives none, two hours as in IoT Edge's documentation. */
    public static final long DEFAULT_TIME_TO_LIVE_SECS = 7200;

    public EdgeHubProperties {
        routes = Immutable.map(routes);
    }
}
