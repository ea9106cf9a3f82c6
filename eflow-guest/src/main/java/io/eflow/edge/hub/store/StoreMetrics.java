package io.eflow.edge.hub.store;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A snapshot of the store for the hub's metrics. Counters count since the store was opened.
 *
 * @param bytesUsed   bytes of the segment files plus appends accepted and not yet written
 * @param maxBytes    the bound at which new appends are refused
 * @param segments    segment files on disk
 * @param appended    messages made durable
 * @param syncs       data syncs ({@code fdatasync}) the appends cost; appended / syncs is the group-commit factor
 * @param refusedFull appends refused because the store was full
 * @param endpoints   per endpoint, sorted by name
 */
public record StoreMetrics(long bytesUsed, long maxBytes, int segments, long appended, long syncs, long refusedFull,
                           Map<String, EndpointMetrics> endpoints) {
    public StoreMetrics {
        endpoints = Collections.unmodifiableMap(new TreeMap<>(endpoints));
    }
}
