package io.eflow.edge.agent;

/**
 * How the guest's cgroups are laid out. The spec is the same for both (resources are always written); the agent
 * needs the mode to decide how it invokes crun, which refuses hybrid hosts unless the unified tree is hidden.
 */
public enum CgroupMode {
    UNIFIED, HYBRID
}
