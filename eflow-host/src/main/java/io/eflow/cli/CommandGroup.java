package io.eflow.cli;

import picocli.CommandLine.ParameterException;

import java.util.ArrayList;
import java.util.List;

/** A command that only groups subcommands ({@code eflow module list}): alone, it says which ones it has. */
abstract class CommandGroup extends EflowCommand implements Runnable {
    @Override
    public void run() {
        List<String> names = new ArrayList<>(spec.subcommands().keySet());
        names.remove("help");
        String choices = names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
        throw new ParameterException(spec.commandLine(), spec.name() + " needs a command: " + choices);
    }
}
