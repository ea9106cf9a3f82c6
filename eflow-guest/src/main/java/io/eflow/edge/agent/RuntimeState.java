package io.eflow.edge.agent;

import java.util.Locale;

/** A module's runtime status as the {@code $edgeAgent} reported properties spell it. */
enum RuntimeState {
    RUNNING, STOPPED, FAILED, BACKOFF, UNHEALTHY;

    String json() {
        return name().toLowerCase(Locale.ROOT);
    }
}
