package io.eflow.daemon.api;

/** {@code POST …/hub/publish}'s answer: the message is durable in the hub's queue for the module's input. */
public record Published(String module, String input, boolean published) {
}
