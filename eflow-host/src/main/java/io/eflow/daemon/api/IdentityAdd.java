package io.eflow.daemon.api;

/** {@code eflow hub identity add}: the name of the host application's new identity. */
public record IdentityAdd(String name) {
}
