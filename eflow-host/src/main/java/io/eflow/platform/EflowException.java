package io.eflow.platform;

/**
 * An error the user can act on. The message is one line that says what went wrong and what to do;
 * the CLI prints it as is and exits non-zero, the REST API returns it with {@link #status()}.
 */
public class EflowException extends RuntimeException {
    private final int status;

    public EflowException(String message) {
        this(400, message, null);
    }

    public EflowException(int status, String message) {
        this(status, message, null);
    }

    public EflowException(int status, String message, Throwable cause) {
        super(status == 400 ? oneLine(message) : message, cause);
        this.status = status;
    }

    /**
     * A bad-input message often quotes what the user sent, which may hold line breaks or escape codes: shown as '?',
     * so the message stays one line and cannot write to the terminal that prints it.
     */
    static String oneLine(String message) {
        return message == null ? null : message.replaceAll("[\\p{Cntrl}&&[^\t]]", "?");
    }

    /** HTTP-style status: 400 bad input, 403 not allowed, 404 unknown, 409 conflict, 500 failure. */
    public int status() {
        return status;
    }

    public static EflowException notFound(String message) {
        return new EflowException(404, message);
    }

    public static EflowException conflict(String message) {
        return new EflowException(409, message);
    }

    public static EflowException failure(String message, Throwable cause) {
        return new EflowException(500, message, cause);
    }
}
