package io.eflow.cli;

import picocli.CommandLine.Option;

/** {@code --json}: the daemon's answer as pretty JSON, for scripts. */
final class JsonOption {
    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;
}
