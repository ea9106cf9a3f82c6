package io.eflow.daemon.api;

/**
 * {@code eflow console token create --name N [--expires D] [--user U]}.
 *
 * @param user    whose token; null: the caller's own (on the host's socket, where the caller is root, it must be given)
 * @param expires how long it works, as 90s, 30m, 12h or 90d; null: until revoked
 */
public record TokenCreate(String name, String user, String expires) {
}
