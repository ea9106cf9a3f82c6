package io.eflow.edge.hub.mqtt;

/** A message to a client was not acknowledged because its connection ended first: the hub still owns it. */
public final class ConnectionClosedException extends Exception {
    public ConnectionClosedException(String message) {
        super(message);
    }
}
