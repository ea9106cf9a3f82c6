package io.eflow.daemon.api;

/**
 * {@code eflow console user add NAME --role R} and {@code passwd NAME}.
 *
 * @param password the password to set, at least 12 characters; null: eflow makes one and shows it once
 */
public record ConsoleUserChange(String name, String role, String password) {
}
