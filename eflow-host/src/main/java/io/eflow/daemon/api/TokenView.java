package io.eflow.daemon.api;

import java.time.Instant;

/**
 * An API token ({@code eflow console token list}).
 *
 * @param token   the whole token, to send as {@code Authorization: Bearer …}: only in the answer that created it
 * @param expires null: until revoked
 */
public record TokenView(String id, String user, String name, Instant created, Instant expires, String token) {
}
