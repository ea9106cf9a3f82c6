package io.eflow.daemon.api;

/**
 * {@code eflow console status}: whether eflowd serves the remote API and console, where, and with which certificate.
 *
 * @param url           where to point a browser or {@code eflow --host}; null when disabled
 * @param caFile        the install-local CA to give remote clients ({@code --ca}); null with the operator's certificate
 * @param fingerprint   SHA-256 of the server certificate, to compare with what a browser shows
 * @param firstAdmin    the admin {@code enable} made because there was none; null otherwise
 * @param firstPassword that admin's password, shown in this answer only
 */
public record ConsoleStatus(boolean enabled, String url, String caFile, String fingerprint, String firstAdmin, String firstPassword) {
}
