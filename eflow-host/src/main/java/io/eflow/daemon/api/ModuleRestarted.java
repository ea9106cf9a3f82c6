package io.eflow.daemon.api;

/** {@code POST …/modules/{module}/restart}'s answer. */
public record ModuleRestarted(String module, boolean restarted) {
}
