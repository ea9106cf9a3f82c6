package io.eflow.daemon.api;

/** {@code POST …/hub/identities/{id}/remove}'s answer. */
public record IdentityRemoved(String name, boolean removed) {
}
