package io.eflow.cli;

import io.eflow.platform.EflowException;
import io.eflow.platform.Json;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

    /** A text file the user named (a PEM certificate or key), read on the CLI's side; {@code option} names it in errors. */
    String readText(String file, String option) {
        try {
            return Files.readString(Path.of(context().absolute(file)), StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new EflowException(option + ": no file " + file);
        } catch (IOException e) {
            throw new EflowException(option + ": cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The first line of stdin, empty when there is none: a secret given as "-" stays out of the shell's history. */
    String stdinLine() {
        try {
            String line = new BufferedReader(new InputStreamReader(context().in(), StandardCharsets.UTF_8)).readLine();
            return line == null ? "" : line;
        } catch (IOException e) {
            throw new EflowException("cannot read stdin: " + e.getMessage());
        }
    }
}
