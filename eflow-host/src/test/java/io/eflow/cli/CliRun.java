package io.eflow.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;

/** Runs the CLI in-process with captured output, as a test's own user in a chosen directory. */
record CliRun(int exitCode, String out, String err, byte[] outBytes) {

    static CliRun run(Path home, Path cwd, boolean root, String... args) {
        return run(home, cwd, root, new byte[0], args);
    }

    /** With {@code stdin} as the command's standard input. */
    static CliRun run(Path home, Path cwd, boolean root, byte[] stdin, String... args) {
        return run(Map.of(), home, cwd, root, stdin, args);
    }

    /** With further environment variables (where the release key and the trusted keys are). */
    static CliRun run(Map<String, String> extraEnv, Path home, Path cwd, boolean root, byte[] stdin, String... args) {
        return captured(extraEnv, home, cwd, root, stdin, context -> EflowCli.execute(context, args));
    }

    /** The line as the CLI's main runs it first: handed to eflowd; empty when eflowd did not run it. */
    static Optional<CliRun> delegated(Path home, Path cwd, boolean root, String... args) {
        CliRun run = captured(Map.of(), home, cwd, root, new byte[0], context -> DelegatedLine.tryInDaemon(context, args).orElse(-1));
        return run.exitCode() == -1 ? Optional.empty() : Optional.of(run);
    }

    private static CliRun captured(Map<String, String> extraEnv, Path home, Path cwd, boolean root, byte[] stdin,
                                   ToIntFunction<CliContext> command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(extraEnv);
        env.put("EFLOW_HOME", home.toString());
        env.remove("EFLOW_DEBUG");
        CliContext context = new CliContext(Map.copyOf(env), cwd, new ByteArrayInputStream(stdin),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), root);
        int code = command.applyAsInt(context);
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), out.toByteArray());
    }

    static CliContext context(Path home, Path cwd) {
        return new CliContext(Map.of("EFLOW_HOME", home.toString()), cwd, InputStream.nullInputStream(), System.out, System.err, false);
    }

    List<String> errLines() {
        return err.lines().toList();
    }
}
