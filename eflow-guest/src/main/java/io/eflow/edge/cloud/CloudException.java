package io.eflow.edge.cloud;

/**
 * IoT Hub said no ({@link #refused()}: a wrong key, an unknown or disabled device, a missing module), or could not
 * be asked (unreachable, untrusted, too slow). The message is one line, names the hub and never the key.
 */
public final class CloudException extends RuntimeException {
    private final boolean refused;

    private CloudException(String message, boolean refused) {
        super(message);
        this.refused = refused;
    }

    public static CloudException refused(String message) {
        return new CloudException(message, true);
    }

    public static CloudException unreachable(String message) {
        return new CloudException(message, false);
    }

    public boolean refused() {
        return refused;
    }
}
