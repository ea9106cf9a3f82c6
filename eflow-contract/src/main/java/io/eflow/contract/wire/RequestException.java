package io.eflow.contract.wire;

/**
 * Thrown by whatever serves a request to fail it with a {@link Failure.Kind} of its choosing; the guest's socket
 * turns it into the {@link Failure} reply. Any other exception is classified by the socket.
 */
public final class RequestException extends RuntimeException {
    private final Failure.Kind kind;

    public RequestException(Failure.Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public RequestException(Failure.Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public static RequestException badRequest(String message) {
        return new RequestException(Failure.Kind.BAD_REQUEST, message);
    }

    public static RequestException notFound(String message) {
        return new RequestException(Failure.Kind.NOT_FOUND, message);
    }

    public static RequestException conflict(String message) {
        return new RequestException(Failure.Kind.CONFLICT, message);
    }

    public static RequestException timeout(String message) {
        return new RequestException(Failure.Kind.TIMEOUT, message);
    }

    public static RequestException upstream(String message) {
        return new RequestException(Failure.Kind.UPSTREAM, message);
    }

    public Failure.Kind kind() {
        return kind;
    }
}
