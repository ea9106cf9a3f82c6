package io.eflow.daemon.api;

import java.time.Instant;

/**
 * One sample of a running instance for the console's charts ({@code GET /v1/instances/{name}/history}).
 *
 * @param dataUsedMb used space on /var; -1 when the guest did not say
 */
public record MetricsPoint(Instant at, double cpuPercent, long memoryUsedMb, long memoryTotalMb, long dataUsedMb) {
}
