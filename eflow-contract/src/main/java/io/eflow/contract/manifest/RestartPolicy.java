package io.eflow.contract.manifest;

/**
 * When the agent restarts a module that stopped; written in the manifest as never, on-failure, … IoT Edge's meaning:
 * on-failure restarts a module that crashed (exited with a code other than 0), on-unhealthy also one that failed its
 * health check, always any module however it stopped.
 */
public enum RestartPolicy {
    NEVER, ON_FAILURE, ON_UNHEALTHY, ALWAYS;

    /**
     * @param failed    it exited with a code other than 0
     * @param unhealthy the agent stopped it because it failed its health check
     */
    public boolean restarts(boolean failed, boolean unhealthy) {
        return switch (this) {
            case NEVER -> false;
            case ON_FAILURE -> failed;
            case ON_UNHEALTHY -> failed || unhealthy;
            case ALWAYS -> true;
        };
    }

    /** Whether a module that turned unhealthy is stopped, to be started again after the back-off. */
    public boolean restartsUnhealthy() {
        return restarts(false, true);
    }
}
