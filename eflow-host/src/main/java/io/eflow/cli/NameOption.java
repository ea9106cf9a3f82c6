package io.eflow.cli;

import picocli.CommandLine.Option;

/** {@code --name}: which instance; without it the daemon picks the only one (and says so if there are several). */
final class NameOption {
    @Option(names = "--name", paramLabel = "NAME", description = "Instance name (default: the only instance).")
    String name;

    /** The name, or null for "the only instance". */
    String instance() {
        return name;
    }
}
