package io.eflow.edge.hub.auth;

/** A CONNECT the hub refuses; the head answers CONNACK "bad user name or password" or "not authorized". */
public final class AuthenticationException extends Exception {
    private final boolean notAuthorized;

    private AuthenticationException(String message, boolean notAuthorized) {
        super(message);
        this.notAuthorized = notAuthorized;
    }

    /** The credentials do not check out (wrong key, expired token, malformed user name). */
    public static AuthenticationException badCredentials(String message) {
        return new AuthenticationException(message, false);
    }

    /** The credentials are sound but the identity may not connect (unknown, or removed). */
    public static AuthenticationException notAuthorized(String message) {
        return new AuthenticationException(message, true);
    }

    public boolean notAuthorized() {
        return notAuthorized;
    }
}
