package io.eflow.daemon.api;

import io.eflow.platform.EflowException;
import io.eflow.platform.InvalidValue;

import java.time.Duration;
import java.util.List;

/**
 * {@code POST /v1/instances/{name}/invoke}: argv, never a joined string, so arguments with spaces survive
 * (the manager does the shell quoting once, in one place).
 */
public record InvokeRequest(List<String> command, Long timeoutSeconds) {
    public static final long DEFAULT_TIMEOUT_SECONDS = 300;

    public List<String> checkedCommand() {
        if (command == null || command.isEmpty() || command.get(0) == null || command.get(0).isBlank()) {
            throw new EflowException("invoke needs a command, e.g. eflow invoke -- uname -a");
        }
        if (command.contains(null)) {
            throw new EflowException("invoke's command must not contain null arguments");
        }
        return List.copyOf(command);
    }

    public Duration timeout() {
        long seconds = timeoutSeconds == null ? DEFAULT_TIMEOUT_SECONDS : timeoutSeconds;
        if (seconds < 1) {
            throw new InvalidValue("timeoutSeconds", "must be at least 1 second, not " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }
}
