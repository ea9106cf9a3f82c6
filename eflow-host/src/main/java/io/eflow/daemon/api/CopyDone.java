package io.eflow.daemon.api;

/** Answer of copy: what was copied, with the resolved instance name. */
public record CopyDone(String name, String from, String to, boolean push) {
}
