package io.eflow.edge.device;

import java.time.Instant;

/**
 * One of the hub's certificates as {@code eflow check} shows it.
 *
 * @param name     what it is, for a person ("edge CA", "hub server certificate")
 * @param notAfter when it expires
 * @param renewsAt when it is renewed, ahead of its expiry
 */
public record CertificateState(String name, Instant notAfter, Instant renewsAt) {
}
