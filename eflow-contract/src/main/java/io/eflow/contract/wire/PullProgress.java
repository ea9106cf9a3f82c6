package io.eflow.contract.wire;

/** A module's image being pulled: bytes of its config and layers stored so far, of all of them. */
public record PullProgress(long done, long total) {
}
