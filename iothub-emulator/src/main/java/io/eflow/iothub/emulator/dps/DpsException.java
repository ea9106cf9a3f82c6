package io.eflow.iothub.emulator.dps;

/**
 * A request DPS refuses: the HTTP status (also the MQTT answer's status) and DPS's six-digit {@code errorCode}, which
 * its error body carries beside a tracking id and the time.
 */
public final class DpsException extends RuntimeException {
    private final int status;
    private final int errorCode;

    public DpsException(int status, int errorCode, String message) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }

    /** Any failed proof of who is calling: DPS tells the caller no more than that (the reason is logged). */
    static DpsException unauthorized(String message) {
        return new DpsException(401, 401002, message);
    }

    static DpsException badRequest(String message) {
        return new DpsException(400, 400004, message);
    }

    static DpsException notFound(String message) {
        return new DpsException(404, 404201, message);
    }

    static DpsException preconditionFailed(String message) {
        return new DpsException(412, 412002, message);
    }
}
