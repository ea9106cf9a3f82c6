package io.eflow.edge.agent;

import io.eflow.contract.manifest.HealthCheck;

import java.time.Duration;
import java.time.Instant;

/**
 * Docker's bookkeeping of one container run's health: starting until a probe passes, healthy after one does,
 * unhealthy after {@code retries} failures in a row, healthy again after the next pass. While it is still starting,
 * failures within the start period do not count: a slow start is not a sick module.
 */
final class HealthState {
    enum Status {
        STARTING, HEALTHY, UNHEALTHY
    }

    private final HealthCheck check;
    private final Instant containerStarted;
    private Status status = Status.STARTING;
    private int failingStreak;
    private HealthProbe.Result last;

    /** @param check with Docker's defaults filled in */
    HealthState(HealthCheck check, Instant containerStarted) {
        this.check = check;
        this.containerStarted = containerStarted;
    }

    /** Takes one probe's result; returns whether the status changed. */
    boolean record(HealthProbe.Result result) {
        Status before = status;
        last = result;
        if (result.passed()) {
            failingStreak = 0;
            status = Status.HEALTHY;
        } else if (status != Status.STARTING
                || Duration.between(containerStarted, result.started()).compareTo(check.startPeriod()) >= 0) {
            failingStreak++;
            if (failingStreak >= check.retries()) {
                status = Status.UNHEALTHY;
            }
        }
        return status != before;
    }

    Status status() {
        return status;
    }

    int failingStreak() {
        return failingStreak;
    }

    /** What the module's status description says about its health: the failures and the last probe's end. */
    String describe() {
        if (status != Status.UNHEALTHY) {
            return status == Status.HEALTHY ? "healthy" : "health: starting";
        }
        String output = last.output().strip().replaceAll("\\s+", " ");
        return "unhealthy: " + failingStreak + (failingStreak == 1 ? " failed health check" : " failed health checks in a row")
                + "; the last exited with " + last.exitCode() + (output.isEmpty() ? "" : ": " + output);
    }
}
