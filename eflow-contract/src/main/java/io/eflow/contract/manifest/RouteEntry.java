package io.eflow.contract.manifest;

import io.eflow.contract.route.Route;

/**
 * One route of {@code $edgeHub}. The route text ({@code FROM … WHERE … INTO …}) is kept as written, checked against
 * the grammar ({@link Route#parse}); the hub parses it again when it builds its router.
 *
 * @param priority       0 (highest) to 9; {@link #DEFAULT_PRIORITY} when the manifest gives none
 * @param timeToLiveSecs the route's own time-to-live, or the store-and-forward one when it gives none (or 0, as the
 *                       hub reads 0)
 */
public record RouteEntry(String route, int priority, long timeToLiveSecs) {
    /** Routes without a priority come after all that have one, as in IoT Edge. */
    public static final int DEFAULT_PRIORITY = Route.DEFAULT_PRIORITY;
}
