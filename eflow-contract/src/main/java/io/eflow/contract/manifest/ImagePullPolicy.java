package io.eflow.contract.manifest;

/** Whether the agent pulls a module's image when it creates the module (on-create) or only uses a local one (never). */
public enum ImagePullPolicy {
    ON_CREATE, NEVER
}
