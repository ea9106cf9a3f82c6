package io.eflow.cli;

import picocli.CommandLine.Mixin;

/** A subcommand about one instance that prints what the daemon answers: {@code --name} and {@code --json}. */
abstract class InstanceCommand extends EflowCommand {
    @Mixin
    NameOption name;

    @Mixin
    JsonOption json;
}
