package io.eflow.edge.agent;

/** A module that cannot be turned into a container: the message names the module and what to change. */
public final class ModuleSpecException extends RuntimeException {
    private final String module;

    public ModuleSpecException(String module, String problem) {
        super("module '" + module + "': " + problem);
        this.module = module;
    }

    public String module() {
        return module;
    }
}
