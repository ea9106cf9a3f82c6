package io.eflow.cli;

import io.eflow.daemon.Eflowd;
import io.eflow.instance.InstanceManager;
import io.eflow.platform.EflowPaths;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI's fast path against a real eflowd started in-process: a line handed over answers exactly as the CLI's own
 * process answers it, and the CLI keeps a line for itself whenever eflowd would not or could not run it.
 */
@EnabledIf("io.eflow.platform.Privileges#isRoot")
class DelegatedLineTest {
    @TempDir
    Path home;
    @TempDir
    Path cwd;
    private Eflowd eflowd;

    private void startDaemon(boolean servesLines) {
        EflowPaths paths = EflowPaths.from(Map.of("EFLOW_HOME", home.toString()));
        eflowd = servesLines ? Eflowd.start(paths, new InstanceManager(paths), DelegatedLine::run)
                : Eflowd.start(paths, new InstanceManager(paths));
    }

    @AfterEach
    void stopDaemon() {
        if (eflowd != null) {
            eflowd.close();
        }
    }

    @Test
    void aLineRunInTheDaemonAnswersAsTheClisOwnProcessDoes() {
        startDaemon(true);
        List<String[]> lines = List.of(new String[]{"list"}, new String[]{"list", "--json"}, new String[]{"get", "--name", "missing"},
                new String[]{"invoke", "--name", "missing", "--", "true"}, new String[]{"module", "list", "--name", "missing"},
                new String[]{"get", "--name", "Bad_Name!"}, new String[]{"invoke", "--nmae", "x"}, new String[]{"addr", "--name", "missing"}, new String[]{"start", "--name", "missing"}, new String[]{"stop", "--name", "missing", "--json"},
                new String[]{"get", "--help"});
        for (String[] line : lines) {
            CliRun own = CliRun.run(home, cwd, true, line);
            CliRun delegated = CliRun.delegated(home, cwd, true, line).orElseThrow(() -> new AssertionError("not handed over: " + List.of(line)));

            assertThat(List.of(delegated.exitCode(), delegated.out(), delegated.err())).as(String.join(" ", line))
                    .isEqualTo(List.of(own.exitCode(), own.out(), own.err()));
        }
        assertThat(CliRun.run(home, cwd, true, "get", "--name", "missing").exitCode()).isEqualTo(EflowCli.FAILURE);
        assertThat(CliRun.run(home, cwd, true, "invoke", "--nmae", "x").exitCode()).isEqualTo(EflowCli.USAGE);
    }

    @Test
    void theCliKeepsTheLinesEflowdCannotOrShouldNotRun() throws Exception {
        // nobody listening: the CLI runs the line, which starts eflowd on demand
        assertThat(CliRun.delegated(home, cwd, true, "list")).isEmpty();
        startDaemon(true);
        // lines that read stdin, files or a terminal, or stream, stay in the caller's process
        for (String[] line : List.of(new String[]{"deploy", "--name", "a"}, new String[]{"connect"}, new String[]{"logs", "--name", "a"},
                new String[]{"module", "logs", "m"}, new String[]{"--version"}, new String[0])) {
            assertThat(CliRun.delegated(home, cwd, true, line)).as(String.join(" ", line)).isEmpty();
        }
        // only root reaches eflowd; the CLI's own process says so
        assertThat(CliRun.delegated(home, cwd, false, "list")).isEmpty();
        assertThat(Files.exists(EflowPaths.from(Map.of("EFLOW_HOME", home.toString())).daemonSocket())).isTrue();
    }

    @Test
    void aDaemonWithoutTheRouteLeavesTheLineToTheCli() {
        startDaemon(false);

        assertThat(CliRun.delegated(home, cwd, true, "list")).isEmpty();
        assertThat(CliRun.run(home, cwd, true, "list").exitCode()).isZero();
    }
}
