package io.eflow.edge.manifest;

/** When the agent restarts a module that stopped; written in the manifest as never, on-failure, … */
public enum RestartPolicy {
    NEVER, ON_FAILURE, ON_UNHEALTHY, ALWAYS
}
