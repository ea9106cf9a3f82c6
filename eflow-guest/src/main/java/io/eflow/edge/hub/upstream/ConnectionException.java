package io.eflow.edge.hub.upstream;

/** A connection to the upstream endpoint could not be made or was lost; the message says why. */
final class ConnectionException extends Exception {
    ConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
