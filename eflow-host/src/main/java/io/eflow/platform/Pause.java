package io.eflow.platform;

/** A short wait in a polling loop; an interrupt ends the operation with a clear error instead of being swallowed. */
public final class Pause {
    private Pause() {
    }

    public static void millis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EflowException.failure("interrupted", e);
        }
    }
}
