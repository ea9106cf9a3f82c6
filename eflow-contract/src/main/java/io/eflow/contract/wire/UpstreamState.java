package io.eflow.contract.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * The hub's upstream link, without secrets: whether one is configured and connected; of a configured one also its
 * endpoint, its last error and since when it is down (while it is), and its counters.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpstreamState(boolean configured, boolean connected, String endpoint, String lastError,
                             Instant disconnectedSince, Long sent, Long reconnects, Long backlog, Long expired) {
    public static UpstreamState notConfigured() {
        return new UpstreamState(false, false, null, null, null, null, null, null, null);
    }
}
