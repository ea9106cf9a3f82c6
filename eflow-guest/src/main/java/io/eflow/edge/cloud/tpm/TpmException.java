package io.eflow.edge.cloud.tpm;

/** A TPM operation that failed: the tool and the last line it wrote to stderr, or why it could not run. */
public final class TpmException extends RuntimeException {
    public TpmException(String message) {
        super(message);
    }

    public TpmException(String message, Throwable cause) {
        super(message, cause);
    }
}
