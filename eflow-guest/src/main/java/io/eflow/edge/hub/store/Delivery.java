package io.eflow.edge.hub.store;

import java.time.Instant;

/**
 * A message handed to an endpoint's consumer. It stays the consumer's until {@link EndpointQueue#ack acknowledged};
 * {@link EndpointQueue#nack}, a redelivery timeout or a restart hands it out again.
 *
 * @param sequence    the message's position in the store, unique and increasing in append order; what
 *                    {@code ack} and {@code nack} take
 * @param payload     as appended; possibly the very array the appender gave (shared by every endpoint's consumer),
 *                    so not to be changed
 * @param redelivered whether this process handed it out before (the MQTT DUP flag, for instance)
 */
public record Delivery(long sequence, String source, Instant enqueuedAt, byte[] payload, boolean redelivered) {
}
