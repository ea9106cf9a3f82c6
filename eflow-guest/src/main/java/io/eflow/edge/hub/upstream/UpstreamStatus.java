package io.eflow.edge.hub.upstream;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;

/**
 * The upstream link as the hub reports it. Counters count since the connector started.
 *
 * @param connected         whether a connection is up now
 * @param endpoint          where the link connects, without secrets
 * @param lastError         the latest failure (a refused connect, a lost connection, a store error), kept after
 *                          the link recovers so the cause of an outage can still be read
 * @param disconnectedSince since when the link has been down; empty while it is up
 * @param sent              messages the endpoint acknowledged (PUBACK)
 * @param reconnects        connections made again after one was lost or refused
 * @param unsendable        stored messages dropped, and logged, because no endpoint could ever take them: a payload
 *                          that is not a hub message, a message over IoT Hub's 256 KiB, properties too long for an
 *                          MQTT topic. Kept, each would hold up every message behind it.
 * @param backlog           messages the store holds for upstream, those awaiting a PUBACK included
 * @param expired           messages the store dropped for upstream because their time-to-live passed first
 */
public record UpstreamStatus(boolean connected, URI endpoint, Optional<String> lastError,
                             Optional<Instant> disconnectedSince, long sent, long reconnects, long unsendable,
                             long backlog, long expired) {
}
