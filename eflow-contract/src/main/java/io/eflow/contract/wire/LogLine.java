package io.eflow.contract.wire;

import java.time.Instant;

/** One line a module wrote, with when and to which stream ({@code stdout} or {@code stderr}). */
public record LogLine(Instant time, String stream, String text) implements Reply.Data {
}
