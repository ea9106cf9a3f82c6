package io.eflow.contract.manifest;

import java.time.Duration;
import java.util.List;

/** Reads createOptions.Healthcheck as Docker's create API takes it: durations in nanoseconds, the test as an array. */
final class HealthCheckReader {
    /** Docker refuses shorter durations (other than 0, "not set"): a probe every few nanoseconds is a mistake. */
    private static final long MIN_NANOS = 1_000_000;

    private HealthCheckReader() {
    }

    static HealthCheck read(Node node) {
        Fields fields = node.fields();
        List<String> test = fields.optional("Test").map(HealthCheckReader::test).orElse(List.of());
        Duration interval = duration(fields, "Interval");
        Duration timeout = duration(fields, "Timeout");
        Duration startPeriod = duration(fields, "StartPeriod");
        int retries = (int) fields.integer("Retries", 0, Integer.MAX_VALUE, 0);
        fields.finish();
        return new HealthCheck(test, interval, timeout, startPeriod, retries);
    }

    /** Empty (the image's test), ["NONE"], ["CMD", program, args…] or ["CMD-SHELL", command]. */
    private static List<String> test(Node node) {
        List<String> test = node.texts();
        if (test.isEmpty()) {
            return test;
        }
        String type = test.get(0);
        if (!type.equals(HealthCheck.NONE) && !type.equals(HealthCheck.CMD) && !type.equals(HealthCheck.CMD_SHELL)) {
            throw node.fail("must start with NONE, CMD or CMD-SHELL, not '" + type + "'");
        }
        if (!type.equals(HealthCheck.NONE) && (test.size() < 2 || test.get(1).isBlank())) {
            throw node.fail("must give a command after " + type + ", such as [\"" + type + "\", \""
                    + (type.equals(HealthCheck.CMD) ? "/bin/check" : "curl -f http://localhost/ || exit 1") + "\"]");
        }
        return test;
    }

    private static Duration duration(Fields fields, String name) {
        return fields.optional(name).map(value -> {
            long nanos = value.integer(0, Long.MAX_VALUE);
            if (nanos > 0 && nanos < MIN_NANOS) {
                throw value.fail("must be 0 (the image's or Docker's default) or at least 1000000 nanoseconds (1 ms), not " + nanos);
            }
            return Duration.ofNanos(nanos);
        }).orElse(Duration.ZERO);
    }
}
