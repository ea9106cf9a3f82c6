package io.eflow.edge.hub.store;

/** The store cannot take or hand out messages; the message says why and what to do. */
public class StoreException extends RuntimeException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
