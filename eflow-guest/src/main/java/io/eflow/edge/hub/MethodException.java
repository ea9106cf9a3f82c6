package io.eflow.edge.hub;

/** A direct-method call that got no answer from the module: IoT Hub's status for it (404, 504) and why. */
public final class MethodException extends RuntimeException {
    private final int status;

    public MethodException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
