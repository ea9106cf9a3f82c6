package io.eflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.channel.CommandResult;
import io.eflow.contract.wire.ModuleReport;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.modules.AgentClient;
import io.eflow.platform.Exec;
import io.eflow.platform.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The daemon under load (issue 22), with the real launcher as users and scripts run it, each call a JVM of its own:
 * fifty calls at once against one guest all answer; and the daemon going away (SIGTERM, then SIGKILL) under commands
 * in flight ends every caller with a non-zero exit and one line on stderr, never a hang, while the guest and its module
 * keep running and the next callers, all at once, bring a daemon back.
 */
@NamespaceOnly
class DaemonLoadIT {
    private static final int AT_ONCE = 50;
    private static final int FOLLOWERS = 10;
    /**
     * Fifty JVMs starting on two cores are ~0.3 s of CPU each (the launcher's AppCDS and C1 flags), ~8 s in all; what
     * the forty quick ones ask of the guest is a channel each for tens of milliseconds. A minute leaves room for a
     * machine that runs another test besides, and is far below what a starved caller waits: invoke waits 300 s for a
     * channel, and get's inspection gives up after 10 s and answers "unreachable", which fails on its output.
     */
    private static final Duration BATCH_BOUND = Duration.ofSeconds(60);
    /** After the daemon is killed, its callers learn it at once (their socket closes); SIGTERM's clean stop included. */
    private static final Duration END_BOUND = Duration.ofSeconds(15);
    private static final String MODULE = "ticker";
    private static final String BACKEND = TestHost.NAMESPACE;
    private TestHost host;
    private String guest;

    /**
     * The namespace guest: what the daemon does under load is the same on either backend, and fifty JVMs beside an
     * emulated (TCG) VM on two cores would measure the emulation.
     */
    @BeforeEach
    void shareGuest(TestHost testHost) {
        host = testHost;
        guest = testHost.sharedGuest(BACKEND);
    }

    /** Stops the daemon the launcher started, and keeps its log: the run's home goes with the run. */
    @AfterEach
    void stopDaemon(TestInfo test) throws IOException {
        daemonPid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroy);
        Path log = host.paths().log().resolve("eflowd.log");
        if (Files.exists(log)) {
            Path kept = Files.createDirectories(Path.of("target", "daemon-load"))
                    .resolve(BACKEND + "-" + test.getTestMethod().map(m -> m.getName()).orElse("test") + "-eflowd.log");
            Files.copy(log, kept, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The shared guest goes back without modules, and no command of this class is left sleeping in it. */
    @AfterAll
    static void putTheGuestBack(TestHost host) {
        SharedGuestTest.putBack(host, BACKEND, f -> false);
        host.manager().invoke(host.sharedGuest(BACKEND), List.of("pkill", "-f", "^sleep 4[0-9]$"), Duration.ofSeconds(10));
    }

    /**
     * Fifty at once: ten follow a module's log (as operators watching do; each holds a channel to the guest and a
     * request of the daemon's for as long as it runs), forty ask and end: invoke, get, module list, a module's last
     * lines, a log bundle. The forty answer right within {@link #BATCH_BOUND} while the ten keep following.
     */
    @Test
    void fiftyCallsAtOnceAllAnswer() throws Exception {
        deployTicker();
        Path bundles = host.workDir("daemon-load");
        List<List<String>> kinds = List.of(
                List.of("invoke", "--name", guest, "--", "echo", "load"),
                List.of("get", "--name", guest, "--json"),
                List.of("module", "list", "--name", guest, "--json"),
                List.of("invoke", "--name", guest, "--", "echo", "load"),
                List.of("module", "logs", "--name", guest, MODULE, "--tail", "3"),
                List.of("invoke", "--name", guest, "--", "echo", "load"),
                List.of("get", "--name", guest, "--json"),
                List.of("module", "list", "--name", guest, "--json"),
                List.of("invoke", "--name", guest, "--", "echo", "load"),
                List.of("module", "logs", "--name", guest, MODULE, "--tail", "3"));
        List<String> follow = List.of("module", "logs", "--name", guest, MODULE, "--tail", "1", "--follow");
        List<List<String>> quick = new ArrayList<>();
        for (int i = 0; i < AT_ONCE - FOLLOWERS; i++) {
            List<String> call = new ArrayList<>(kinds.get(i % kinds.size()));
            if (call.get(0).equals("invoke")) {
                call.set(call.size() - 1, "load-" + i); // each its own answer
            }
            quick.add(i == 9 || i == 29 ? List.of("logs", "--name", guest, "--output", bundles.resolve("bundle-" + i + ".zip").toString())
                    : call);
        }
        // one of each kind after the other first: the reference, and the daemon and the launcher's CDS archive ready
        long serial = System.nanoTime();
        for (List<String> call : List.of(quick.get(0), quick.get(1), quick.get(2), quick.get(4), quick.get(9))) {
            Caller caller = Caller.start(this, call);
            caller.awaitEnd(Duration.ofSeconds(120));
            checkAnswer(caller);
        }
        Duration oneOfEach = Duration.ofNanos(System.nanoTime() - serial);

        long started = System.nanoTime();
        List<Caller> callers = new ArrayList<>();
        List<Caller> followers = new ArrayList<>();
        for (int i = 0; i < AT_ONCE; i++) {
            if (i % (AT_ONCE / FOLLOWERS) == 0) {
                followers.add(Caller.start(this, follow));
            } else {
                callers.add(Caller.start(this, quick.get(callers.size())));
            }
        }
        try {
            for (Caller caller : callers) {
                caller.awaitEnd(BATCH_BOUND.minusNanos(System.nanoTime() - started));
            }
            Duration batch = Duration.ofNanos(System.nanoTime() - started);
            System.out.printf("[daemon-load] %d calls at once (%d following a log): the %d others answered in %d ms;"
                    + " one of each of their 5 kinds, one after another: %d ms%n", AT_ONCE, FOLLOWERS, callers.size(), batch.toMillis(),
                    oneOfEach.toMillis());
            for (Caller caller : callers) {
                checkAnswer(caller);
            }
            // the followers follow: the tail's line, then the ticker's next ones, as they come
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                for (Caller follower : followers) {
                    assertThat(follower.process().isAlive()).as(follower.describe()).isTrue();
                    assertThat(follower.stdout().lines().count()).as(follower.describe()).isGreaterThanOrEqualTo(3);
                }
            });
        } finally {
            // Ctrl-C, as a user ends a follow
            followers.forEach(follower -> follower.process().destroy());
        }
        for (Caller follower : followers) {
            follower.awaitEnd(END_BOUND);
        }
    }

    @Test
    void aDaemonStoppedUnderCommandsEndsEachCallerInOneLineAndTheGuestRunsOn() throws Exception {
        deployTicker();
        restartUnderLoad("SIGTERM", ProcessHandle::destroy, 41);
        restartUnderLoad("SIGKILL", ProcessHandle::destroyForcibly, 42);
    }

    /**
     * Eight long commands in flight (a channel each: sleeps in the guest and followed logs), then the daemon killed
     * with {@code signal}: each caller ends within {@link #END_BOUND}, non-zero, with one line on stderr; the daemon is
     * gone; the guest's init and its module are the same processes; ten callers at once start a new daemon and answer.
     */
    private void restartUnderLoad(String signal, Consumer<ProcessHandle> kill, int seconds) throws Exception {
        assertThat(eflow("list").exitCode()).isZero(); // a daemon answers, started on demand
        ProcessHandle daemon = ProcessHandle.of(daemonPid().orElseThrow()).orElseThrow();
        long guestPid = LifecycleIT.Traces.guestPid(InstanceLayout.of(host.paths(), guest));
        Instant moduleStarted = ticker().lastStartTimeUtc();

        List<Caller> sleepers = new ArrayList<>();
        List<Caller> followers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sleepers.add(Caller.start(this, List.of("invoke", "--name", guest, "--", "sleep", Integer.toString(seconds))));
        }
        for (int i = 0; i < 3; i++) {
            followers.add(Caller.start(this, List.of("module", "logs", "--name", guest, MODULE, "--tail", "1", "--follow")));
        }
        // every one has reached the guest: its sleep runs there, or its log's first line came back
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(inGuest("pgrep", "-c", "-f", "^sleep " + seconds + "$").stdoutText().strip())
                    .isEqualTo(Integer.toString(sleepers.size()));
            for (Caller follower : followers) {
                assertThat(follower.stdout()).as(follower.describe()).contains("\n");
            }
        });

        long killed = System.nanoTime();
        kill.accept(daemon);
        List<Caller> all = new ArrayList<>(sleepers);
        all.addAll(followers);
        for (Caller caller : all) {
            caller.awaitEnd(END_BOUND.minusNanos(System.nanoTime() - killed));
        }
        System.out.printf("[daemon-load] %s: %d callers ended %d ms after the kill%n", signal, all.size(),
                Duration.ofNanos(System.nanoTime() - killed).toMillis());
        all.stream().flatMap(caller -> caller.stderrLines().stream()).distinct()
                .forEach(line -> System.out.printf("[daemon-load] %s: a caller said: %s%n", signal, line));
        for (Caller caller : all) {
            assertThat(caller.exitCode()).as(caller.describe()).isNotZero();
            assertThat(caller.stderrLines()).as(caller.describe()).hasSize(1)
                    .allSatisfy(line -> assertThat(line).startsWith("eflow: ").contains("eflowd"));
        }

        // ten callers at once while the killed daemon may still be stopping: one starts the next daemon, all answer
        List<Caller> back = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            back.add(Caller.start(this, List.of("invoke", "--name", guest, "--", "echo", "back-" + i)));
        }
        assertThat(daemon.onExit().get(END_BOUND.toMillis(), TimeUnit.MILLISECONDS).isAlive()).as("the killed daemon").isFalse();
        // the guest ran on: the same init, the same module process
        assertThat(LifecycleIT.Traces.guestPid(InstanceLayout.of(host.paths(), guest))).isEqualTo(guestPid);
        assertThat(ProcessHandle.of(guestPid).map(ProcessHandle::isAlive)).contains(true);
        assertThat(ticker().runtimeStatus()).isEqualTo("running");
        assertThat(ticker().lastStartTimeUtc()).isEqualTo(moduleStarted);
        for (int i = 0; i < back.size(); i++) {
            Caller caller = back.get(i);
            caller.awaitEnd(Duration.ofSeconds(60));
            assertThat(caller.exitCode()).as(caller.describe()).isZero();
            assertThat(caller.stdout()).as(caller.describe()).isEqualTo("back-" + i + "\n");
        }
        assertThat(daemonPid()).isPresent().isNotEqualTo(Optional.of(daemon.pid()));
        inGuest("pkill", "-f", "^sleep " + seconds + "$");
    }

    /** The busybox image and one module that prints a line a second, running, once per class invocation. */
    private void deployTicker() throws Exception {
        AgentClient edge = new AgentClient(host.manager());
        if (edge.modules(guest).containsKey(MODULE)) {
            return;
        }
        edge.load(guest, EdgeAgentIT.busyboxImage(host), null);
        edge.apply(guest, EdgeAgentIT.manifest(Map.of(MODULE, EdgeAgentIT.module(EdgeAgentIT.TICKER, "always", "running", 0, "load")))
                .getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(120)).until(() -> ticker() != null && "running".equals(ticker().runtimeStatus())
                && new String(logs(), StandardCharsets.UTF_8).contains("tick load"));
    }

    private ModuleReport ticker() {
        return new AgentClient(host.manager()).modules(guest).get(MODULE);
    }

    private byte[] logs() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new AgentClient(host.manager()).logs(guest, MODULE, 3, null, false, out);
        return out.toByteArray();
    }

    /** Each kind of call answered with exit 0 and what it should say. */
    private void checkAnswer(Caller caller) throws IOException {
        assertThat(caller.exitCode()).as(caller.describe()).isZero();
        assertThat(caller.stderr()).as(caller.describe()).isEmpty();
        List<String> args = caller.args();
        String out = caller.stdout();
        switch (args.get(0)) {
            case "invoke" -> assertThat(out).isEqualTo(args.get(args.size() - 1) + "\n");
            case "get" -> {
                JsonNode details = Json.mapper().readTree(out);
                assertThat(details.path("powerState").asText()).as(out).isEqualTo("RUNNING");
                assertThat(details.at("/runtime/status").asText()).as(out).isEqualTo("running");
            }
            case "logs" -> assertThat(Path.of(args.get(args.size() - 1))).isNotEmptyFile();
            default -> {
                if (args.get(1).equals("list")) {
                    assertThat(Json.mapper().readTree(out).at("/" + MODULE + "/runtimeStatus").asText()).as(out).isEqualTo("running");
                } else {
                    assertThat(out.lines().toList()).as(caller.describe()).hasSize(3)
                            .allSatisfy(line -> assertThat(line).matches("(tick load|pid 1 host ticker).*"));
                }
            }
        }
    }

    private Optional<Long> daemonPid() {
        return Launcher.daemonPid(host.paths().home().toString());
    }

    /** A command in the guest through the test's own connection, not the daemon's. */
    private CommandResult inGuest(String... command) {
        return host.manager().invoke(guest, List.of(command), Duration.ofSeconds(30));
    }

    private Exec.Result eflow(String... args) {
        return Launcher.run(host, 120, args);
    }

    /** One CLI process, its output in files, so a long one can be watched while it runs and nothing blocks on a pipe. */
    private record Caller(List<String> args, Process process, Path out, Path err) {
        static Caller start(DaemonLoadIT test, List<String> args) throws IOException {
            Path dir = Files.createTempDirectory(test.host.workDir("daemon-load"), "call-");
            List<String> argv = new ArrayList<>(List.of(Launcher.PATH.toString()));
            argv.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(argv).redirectOutput(dir.resolve("out").toFile())
                    .redirectError(dir.resolve("err").toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().put("EFLOW_HOME", test.host.paths().home().toString());
            builder.environment().put("EFLOW_TRUST_DIR", test.host.paths().trust().toString());
            builder.environment().remove("EFLOW_DEBUG");
            return new Caller(List.copyOf(args), builder.start(), dir.resolve("out"), dir.resolve("err"));
        }

        /** Fails (and ends the process) when it is still running after {@code bound}. */
        void awaitEnd(Duration bound) throws InterruptedException {
            if (!process.waitFor(Math.max(0, bound.toMillis()), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("still running after the bound: " + describe());
            }
        }

        int exitCode() {
            return process.exitValue();
        }

        String stdout() {
            return read(out);
        }

        String stderr() {
            return read(err);
        }

        List<String> stderrLines() {
            return stderr().lines().toList();
        }

        String describe() {
            return "eflow " + String.join(" ", args) + (process.isAlive() ? " (running)" : " (exit " + process.exitValue() + ")")
                    + "\n--- stdout\n" + stdout() + "--- stderr\n" + stderr();
        }

        private static String read(Path file) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
