package io.eflow.edge.hub.store;

import java.util.Objects;

/**
 * A message as the hub hands it to the store: opaque bytes (the hub's encoding of body and properties) and the
 * source it came from (a module output or a device), which orders it against that source's other messages. The
 * store may hand {@code payload} to a consumer as it is, without a copy: it is not to change after the append.
 */
public record Message(String source, byte[] payload) {
    public Message {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(payload, "payload");
        if (RecordCodec.utf8Length(source) > RecordCodec.MAX_NAME_BYTES) {
            throw new IllegalArgumentException("source longer than " + RecordCodec.MAX_NAME_BYTES + " bytes: " + source);
        }
    }
}
