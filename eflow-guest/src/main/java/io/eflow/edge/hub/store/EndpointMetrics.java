package io.eflow.edge.hub.store;

import java.time.Duration;

/**
 * One endpoint's queue, as the hub exports it. Counters count since the store was opened.
 *
 * @param queueLength messages not yet acknowledged, those handed out included (expired ones still count until
 *                    they are skipped or swept)
 * @param inFlight    of those, handed out and awaiting an acknowledgement
 * @param oldestAge   how long the oldest unacknowledged message has been in the store; zero when none
 * @param delivered   messages the endpoint acknowledged
 * @param expired     messages dropped because their time-to-live passed before the endpoint took them
 * @param redelivered messages handed out again after a {@code nack} or a redelivery timeout
 * @param unreadable  messages dropped because their bytes failed the checksum (a damaged disk)
 */
public record EndpointMetrics(String endpoint, long queueLength, long inFlight, Duration oldestAge, long delivered,
                              long expired, long redelivered, long unreadable) {
}
