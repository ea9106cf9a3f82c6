package io.eflow.contract.manifest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Docker's health check of a container: an image's {@code config.Healthcheck}, or a module's createOptions
 * {@code Healthcheck}, which overrides the image's field by field. A zero duration, zero retries or an empty test
 * mean "not set": the image's value, then Docker's default.
 *
 * @param test        ["NONE"] (no check), ["CMD", program, args…] or ["CMD-SHELL", command] (run by /bin/sh -c)
 * @param interval    between the end of one probe and the start of the next
 * @param timeout     a probe running longer fails and is killed
 * @param startPeriod failures within this time after the start do not count, until a first success
 * @param retries     consecutive failures that make the module unhealthy
 */
public record HealthCheck(List<String> test, Duration interval, Duration timeout, Duration startPeriod, int retries) {
    public static final HealthCheck UNSET = new HealthCheck(List.of(), Duration.ZERO, Duration.ZERO, Duration.ZERO, 0);
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_RETRIES = 3;
    static final String NONE = "NONE";
    static final String CMD = "CMD";
    static final String CMD_SHELL = "CMD-SHELL";

    public HealthCheck {
        test = List.copyOf(test);
    }

    /** Docker's merge of a container's check over its image's: every field not set here comes from the image. */
    public HealthCheck over(HealthCheck image) {
        return new HealthCheck(test.isEmpty() ? image.test : test, or(interval, image.interval), or(timeout, image.timeout),
                or(startPeriod, image.startPeriod), retries > 0 ? retries : image.retries);
    }

    /** The same check with Docker's defaults where nothing is set. */
    public HealthCheck withDefaults() {
        return new HealthCheck(test, or(interval, DEFAULT_INTERVAL), or(timeout, DEFAULT_TIMEOUT), startPeriod,
                retries > 0 ? retries : DEFAULT_RETRIES);
    }

    /**
     * What to run in the container: CMD's program and arguments, or /bin/sh -c and CMD-SHELL's command. Empty when
     * there is no check: none set, NONE, or (in an image, which nobody validated) a test Docker would not run either.
     */
    public Optional<List<String>> command() {
        if (test.size() < 2) {
            return Optional.empty();
        }
        List<String> rest = test.subList(1, test.size());
        List<String> command = new ArrayList<>();
        switch (test.get(0)) {
            case CMD -> command.addAll(rest);
            case CMD_SHELL -> {
                command.addAll(List.of("/bin/sh", "-c"));
                command.addAll(rest);
            }
            default -> {
                return Optional.empty();
            }
        }
        return Optional.of(List.copyOf(command));
    }

    private static Duration or(Duration given, Duration fallback) {
        return given.isZero() ? fallback : given;
    }
}
