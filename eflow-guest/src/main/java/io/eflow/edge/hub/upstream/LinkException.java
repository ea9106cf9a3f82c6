package io.eflow.edge.hub.upstream;

/** A connection to the upstream endpoint could not be made or was lost; the message says why. */
final class LinkException extends Exception {
    LinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
