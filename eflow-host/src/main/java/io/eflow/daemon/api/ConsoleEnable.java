package io.eflow.daemon.api;

/**
 * {@code eflow console enable [--listen ADDR:PORT] [--cert PEM --key PEM] [--session-idle D] [--session-max D]}.
 *
 * @param listen      HOST:PORT, :PORT or PORT; null: 127.0.0.1:9443
 * @param certificate a PEM certificate chain on the host; null: one from the install-local CA
 * @param sessionIdle as 30m; null: 30 minutes
 * @param sessionMax  as 12h; null: 12 hours
 */
public record ConsoleEnable(String listen, String certificate, String key, String sessionIdle, String sessionMax) {
}
