package io.eflow.cli;

import picocli.CommandLine.Command;

/** Servicing updates of an instance's guest: signed A/B bundles. Add a subcommand by adding its class to the list. */
@Command(name = "update", description = "Find and apply signed guest updates (A/B bundles).",
        subcommands = {UpdateApplyCommand.class, UpdateStatusCommand.class, UpdateRollbackCommand.class, UpdateCheckCommand.class})
final class UpdateCommand extends CommandGroup {
}
