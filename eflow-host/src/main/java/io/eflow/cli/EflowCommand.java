package io.eflow.cli;

import io.eflow.platform.Json;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.function.Function;

/** What every eflow subcommand shares: the run's context, the daemon client, JSON-or-text output. */
abstract class EflowCommand {
    @Spec
    CommandSpec spec;

    CliContext context() {
        return ((EflowCli) spec.root().userObject()).context();
    }

    DaemonClient client() {
        return context().client();
    }

    /** A usage error of this command: one line and exit 2, like picocli's own. */
    ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    <T> void print(JsonOption json, T value, Function<T, String> text) {
        String rendered = json.json ? Json.pretty(value) : text.apply(value);
        if (!rendered.isEmpty()) {
            context().out().println(rendered.endsWith("\n") ? rendered.substring(0, rendered.length() - 1) : rendered);
        }
    }
}
