package io.eflow.edge.hub.auth;

/** A change to the hub's identities that is refused: the message names the identity and what to do instead. */
public final class IdentityException extends RuntimeException {
    public IdentityException(String message) {
        super(message);
    }
}
