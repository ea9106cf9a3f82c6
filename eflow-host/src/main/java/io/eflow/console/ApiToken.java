package io.eflow.console;

import java.time.Instant;

/**
 * An API token as stored: the secret only as its SHA-256 (a token is 256 random bits, so a fast hash is enough; a
 * password needs Argon2 because people choose them). It acts as its user, with the user's role at the time of use.
 *
 * @param id         the public part of the token, by which it is found
 * @param secretHash hex SHA-256 of the secret part
 * @param expires    when it stops working; null: until revoked
 */
public record ApiToken(String id, String user, String name, String secretHash, Instant created, Instant expires) {

    boolean expired(Instant now) {
        return expires != null && !now.isBefore(expires);
    }
}
