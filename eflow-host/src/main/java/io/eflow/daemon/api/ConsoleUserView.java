package io.eflow.daemon.api;

import java.time.Instant;

/**
 * A console user ({@code eflow console user list}), never with its password's hash.
 *
 * @param password a password made for it, shown this once (user add, passwd); null otherwise
 */
public record ConsoleUserView(String name, String role, Instant created, String password) {
}
