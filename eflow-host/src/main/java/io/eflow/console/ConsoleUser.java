package io.eflow.console;

import io.eflow.platform.InvalidValue;

import java.time.Instant;

/**
 * A console user as stored: the password only as its Argon2id hash.
 *
 * @param passwordHash {@link PasswordHash}'s PHC string
 */
public record ConsoleUser(String name, ConsoleRole role, String passwordHash, Instant created) {
    static final String NAME = "[a-z_][a-z0-9_.-]{0,31}";

    public static String requireName(String name) {
        if (name == null || !name.matches(NAME)) {
            throw new InvalidValue("user", "must be 1-32 lower-case letters, digits, '_', '.' or '-', starting with a letter or '_',"
                    + " not '" + name + "'");
        }
        return name;
    }

    ConsoleUser withPasswordHash(String hash) {
        return new ConsoleUser(name, role, hash, created);
    }
}
