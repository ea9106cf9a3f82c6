package io.eflow.cli;

import io.eflow.daemon.api.CliLine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The CLI's fast path: a command line that only asks eflowd something is handed to eflowd whole and runs there, in a
 * JVM whose picocli models, Jackson and HTTP code are loaded and compiled already. This process only copies the
 * answer to its stdout and stderr and exits with its code, so a script's {@code eflow invoke} costs little more than
 * the JVM's own start (bench/cli-start.sh). The command is the same code either way ({@link EflowCli#execute}), given
 * the caller's environment and working directory, so its output and exit code are too.
 *
 * <p>Only lines that read nothing of this process's own are handed over: no stdin, no terminal, no local file, and
 * an answer that comes whole (no progress, no following). When eflowd is not running, is too busy or predates this,
 * the CLI runs the line itself as before, which also starts eflowd on demand.
 */
final class DelegatedLine {
    private static final Set<String> WHOLE_ANSWER_COMMANDS = Set.of("list", "get", "invoke", "addr", "start", "stop");
    /** The answers for which eflowd says it did not run the line, so running it here cannot run it twice. */
    private static final Set<Integer> NOT_RUN = Set.of(400, 404, 503);

    private DelegatedLine() {
    }

    static boolean delegable(String... args) {
        return args.length > 0 && (WHOLE_ANSWER_COMMANDS.contains(args[0])
                || args[0].equals("module") && args.length > 1 && args[1].equals("list"));
    }

    /** Runs the line in eflowd and answers its exit code; empty when eflowd did not run it, for the caller to run. */
    static OptionalInt tryInDaemon(CliContext context, String... args) {
        if (!context.root() || !delegable(args) || context.env().containsKey("EFLOW_HOST") || RemoteTarget.OPTIONS.containsKey(
                args[0].replaceAll("=.*", ""))) {
            return OptionalInt.empty();
        }
        CliLine line = new CliLine(Charset.defaultCharset().name(), context.cwd().toString(), context.env(), List.of(args));
        CliLine.Answer answer;
        DaemonHttp http = DaemonHttp.unix(context.paths().daemonSocket());
        try (DaemonHttp.Response response = http.send("POST", "/v1/cli", line.encode(), "application/octet-stream")) {
            if (NOT_RUN.contains(response.status())) {
                return OptionalInt.empty();
            }
            if (response.status() != 200) {
                context.err().println("eflow: eflowd answered " + response.status() + " to the command line: "
                        + EflowCli.oneLine(new String(response.bodyBytes(), Charset.defaultCharset())));
                return OptionalInt.of(EflowCli.FAILURE);
            }
            answer = CliLine.Answer.read(response.body());
        } catch (DaemonHttp.NotAnswering e) {
            return OptionalInt.empty();
        } catch (IOException e) {
            // the line may have run in eflowd: running it again here could run a guest command twice
            context.err().println("eflow: lost eflowd's answer to the command line: " + EflowCli.oneLine(e.getMessage()));
            return OptionalInt.of(EflowCli.FAILURE);
        }
        context.out().writeBytes(answer.out());
        context.out().flush();
        context.err().writeBytes(answer.err());
        context.err().flush();
        return OptionalInt.of(answer.exitCode());
    }

    /** eflowd's half: runs a handed-over line as the caller's own process would have run it, as root. */
    static CliLine.Answer run(CliLine line) {
        Charset charset;
        try {
            charset = Charset.forName(line.charset());
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            charset = Charset.defaultCharset();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream outStream = new PrintStream(out, true, charset); PrintStream errStream = new PrintStream(err, true, charset)) {
            CliContext context = new CliContext(line.env(), Path.of(line.cwd()), InputStream.nullInputStream(), outStream, errStream, true);
            int exitCode = EflowCli.execute(context, line.args().toArray(String[]::new));
            outStream.flush();
            errStream.flush();
            return new CliLine.Answer(exitCode, out.toByteArray(), err.toByteArray());
        }
    }
}
