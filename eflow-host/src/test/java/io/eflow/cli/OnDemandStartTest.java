package io.eflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.daemon.api.SocketProbe;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI starts eflowd when nobody answers: a real detached JVM, stopped by SIGTERM at the end. Runs as root. */
@EnabledIf("io.eflow.platform.Privileges#isRoot")
class OnDemandStartTest {
    @TempDir
    Path home;
    @TempDir
    Path cwd;
    private ProcessHandle daemon;

    private EflowPaths paths() {
        return EflowPaths.from(Map.of("EFLOW_HOME", home.toString()));
    }

    @AfterEach
    void stopDaemon() throws Exception {
        if (daemon != null && daemon.isAlive()) {
            daemon.destroyForcibly();
            daemon.onExit().get(10, TimeUnit.SECONDS);
        }
    }

    private Optional<ProcessHandle> lockHolder() throws Exception {
        Path lock = paths().run().resolve("eflowd.lock");
        return Files.exists(lock) ? ProcessHandle.of(Long.parseLong(Files.readString(lock).strip())) : Optional.empty();
    }

    @Test
    void startsADetachedDaemonOnceAndItStopsOnSigterm() throws Exception {
        assertThat(SocketProbe.answers(paths().daemonSocket())).isFalse();

        CliRun first = CliRun.run(home, cwd, true, "host-config", "--json");

        assertThat(first.exitCode()).as(first.err()).isZero();
        JsonNode host = Json.MAPPER.readTree(first.outBytes());
        assertThat(host.get("logicalProcessors").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
        daemon = lockHolder().orElseThrow();
        assertThat(daemon.pid()).isNotEqualTo(ProcessHandle.current().pid());
        String cmdline = Files.readString(Path.of("/proc", Long.toString(daemon.pid()), "cmdline")).replace('\0', ' ');
        assertThat(cmdline).endsWith(" io.eflow.cli.EflowCli daemon --detached ");
        // its own session, so the terminal's Ctrl-C and hang-up never reach it
        String stat = Files.readString(Path.of("/proc", Long.toString(daemon.pid()), "stat"));
        assertThat(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]).isEqualTo(Long.toString(daemon.pid()));

        CliRun second = CliRun.run(home, cwd, true, "version");
        assertThat(second.out()).contains("(pid " + daemon.pid() + ",");
        assertThat(lockHolder().orElseThrow().pid()).isEqualTo(daemon.pid());

        daemon.destroy();
        assertThat(daemon.onExit().get(15, TimeUnit.SECONDS).isAlive()).isFalse();
        assertThat(paths().daemonSocket()).doesNotExist();
        String log = Files.readString(paths().log().resolve("eflowd.log"));
        assertThat(log).contains("serving on " + paths().daemonSocket(), "GET /v1/host -> 200", "eflowd stopped");
        // detached: the console appender is off, so nothing is logged twice into eflowd.out
        assertThat(paths().log().resolve("eflowd.out")).isEmptyFile();
    }

    /** After a restart many callers find no daemon at once: one of them starts it, the others wait and use it. */
    @Test
    void callersThatFindNoDaemonAtOnceStartOnlyOne() throws Exception {
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<CliRun>> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                runs.add(callers.submit(() -> CliRun.run(home, cwd, true, "list", "--json")));
            }
            for (Future<CliRun> run : runs) {
                CliRun done = run.get(60, TimeUnit.SECONDS);
                assertThat(done.exitCode()).as(done.err()).isZero();
            }
        } finally {
            callers.shutdownNow();
            daemon = lockHolder().orElse(null); // stopped after the test, also when it failed
        }
        assertThat(daemon).isNotNull();
        // a daemon that lost a race would have said so in its stdio ("another eflowd ...") and logged its own start
        assertThat(paths().log().resolve("eflowd.out")).isEmptyFile();
        assertThat(Files.readString(paths().log().resolve("eflowd.log")).split("serving on ", -1)).hasSize(2);
    }

    @Test
    void aDaemonThatCannotStartIsReportedWithItsReason() throws Exception {
        Path run = paths().run();
        Files.createDirectories(run);
        Files.setAttribute(run, "unix:uid", 65534);

        CliRun run1 = CliRun.run(home, cwd, true, "list");

        assertThat(run1.exitCode()).isEqualTo(1);
        assertThat(run1.errLines()).hasSize(1);
        assertThat(run1.err()).startsWith("eflow: eflowd exited with code 1 while starting: eflow: " + run
                        + " is owned by uid 65534, not root: remove it and start eflowd again; see ")
                .contains(paths().log().resolve("eflowd.log").toString());
    }
}
