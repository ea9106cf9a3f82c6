package io.eflow.daemon.api;

/** Verify-EflowVm's answer, with the name it was asked about (useful when the name was resolved). */
public record Verification(String name, boolean verified) {
}
