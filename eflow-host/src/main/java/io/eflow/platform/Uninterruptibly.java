package io.eflow.platform;

/**
 * A wait that an interrupt does not cut short, for clean-ups that must not start while another thread still writes;
 * the interrupt is kept for the caller to see once the wait is over.
 */
public final class Uninterruptibly {
    /** What is waited for. */
    @FunctionalInterface
    public interface Wait<T, E extends Exception> {
        T get() throws InterruptedException, E;
    }

    private Uninterruptibly() {
    }

    public static <T, E extends Exception> T await(Wait<T, E> wait) throws E {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return wait.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
