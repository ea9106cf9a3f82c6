package io.eflow.edge.hub.store;

/**
 * An append refused because the store reached its bound. The publisher gets no acknowledgement and keeps the message
 * to send again; space comes back as endpoints acknowledge messages or messages expire.
 */
public final class StoreFullException extends StoreException {
    private final long usedBytes;
    private final long maxBytes;

    public StoreFullException(long usedBytes, long maxBytes, int recordBytes) {
        super("message store full: " + usedBytes + " of " + maxBytes + " bytes used, a message of " + recordBytes
                + " bytes does not fit; messages are accepted again once endpoints acknowledge or messages expire"
                + " (or give the store more space)");
        this.usedBytes = usedBytes;
        this.maxBytes = maxBytes;
    }

    public long usedBytes() {
        return usedBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }
}
