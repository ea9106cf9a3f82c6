package io.eflow.it;

import io.eflow.instance.model.InstanceLayout;
import io.eflow.platform.Exec;
import io.eflow.platform.FileTrees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real launcher, as a user runs it: bin/eflow starts eflowd on demand, passes a guest command's output and exit
 * code through, and answers bad input with one line, a non-zero exit and nothing created.
 */
@BothBackends
class CliIT extends SharedGuestTest {
    private static final Path LAUNCHER = Launcher.PATH;

    /** The daemon the launcher started on demand; the next test's first command starts another. */
    @AfterEach
    void stopDaemon() {
        Launcher.stopDaemon(host.paths().home().toString());
    }

    private Exec.Result eflow(String... args) {
        return Launcher.run(host, 120, args);
    }

    @Test
    void invokePassesOutputAndExitCodeThrough() {
        Exec.Result result = eflow("invoke", "--name", guest, "--", "sh", "-c", "echo out; echo err >&2; exit 7");
        assertThat(result.exitCode()).isEqualTo(7);
        assertThat(result.stdout()).isEqualTo("out\n");
        assertThat(result.stderr()).isEqualTo("err\n");
        assertThat(eflow("invoke", "--name", guest, "--ignore-error", "--", "false").exitCode()).isZero();
    }

    @Test
    void listGetAndAddrAnswerInJson() {
        assertThat(eflow("list", "--json").stdout()).contains("\"" + guest + "\"");
        assertThat(eflow("get", "--name", guest, "--json").stdout()).contains("\"powerState\"", "RUNNING");
        assertThat(eflow("addr", "--name", guest).stdout()).contains("172.30.");
        assertThat(eflow("verify", "--name", guest).stdout().trim()).isEqualTo("True");
    }

    @Test
    void badInputIsOneLineNonZeroAndCreatesNothing() throws Exception {
        List<List<String>> attempts = List.of(
                List.of("deploy", "--name", "cli-bad", "--cpus", "999"),
                List.of("deploy", "--name", "cli-bad", "--memory", "1025"),
                List.of("deploy", "--name", "cli-bad", "--memory", "512"),
                List.of("deploy", "--name", "cli-bad", "--data-size", "1"),
                List.of("deploy", "--name", "cli-bad", "--ip", "10.9.9.9"),
                List.of("deploy", "--name", "cli-bad", "--log-size", "medium"),
                List.of("deploy", "--name", guest),
                List.of("get", "--name", "no-such-instance"),
                List.of("deploy", "--name", "cli-bad", "--cpus", "two"));
        for (List<String> attempt : attempts) {
            Exec.Result result = eflow(attempt.toArray(String[]::new));
            assertThat(result.exitCode()).as(attempt.toString()).isNotZero();
            assertThat(result.stderr().lines().toList()).as(attempt.toString()).hasSize(1)
                    .allSatisfy(line -> assertThat(line).startsWith("eflow: "));
        }
        assertThat(Files.exists(host.paths().instance("cli-bad"))).isFalse();
    }

    @Test
    void changesAfterDeployRefuseBadInputInOneLineAndChangeNothing() throws Exception {
        Path config = InstanceLayout.of(host.paths(), guest).configFile();
        byte[] before = Files.readAllBytes(config);
        Path file = Files.createTempFile("eflow-cli-it-", ".txt");
        try {
            List<List<String>> attempts = List.of(
                    List.of("set", "--name", guest, "--data-size", "1"),
                    List.of("set", "--name", guest, "--log-size", "medium"),
                    List.of("set", "--name", guest, "--ip", "10.77.0.5", "--prefix", "24", "--gateway", "10.77.1.1"),
                    List.of("set", "--name", guest, "--ip", "10.77.0.5"),
                    List.of("dns", "set", "--name", guest, "127.0.0.1"),
                    List.of("dns", "set", "--name", guest, "1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4"),
                    List.of("share", "add", "--name", guest, "--host-path", file.toString(), "--guest-path", "/var/x"),
                    List.of("share", "add", "--name", guest, "--host-path", "/etc", "--guest-path", "/var/x"),
                    List.of("share", "add", "--name", guest, "--host-path", file.getParent().toString(), "--guest-path", "/etc/x"),
                    List.of("share", "remove", "--name", guest, "--guest-path", "/var/none"),
                    List.of("device", "add", "--name", guest, "--serial", "/dev/no-such-port"),
                    List.of("device", "add", "--name", guest, "--serial", "/dev/null"));
            for (List<String> attempt : attempts) {
                Exec.Result result = eflow(attempt.toArray(String[]::new));
                assertThat(result.exitCode()).as(attempt.toString()).isNotZero();
                assertThat(result.stderr().lines().toList()).as(attempt.toString()).hasSize(1)
                        .allSatisfy(line -> assertThat(line).startsWith("eflow: "));
            }
            assertThat(Files.readAllBytes(config)).as("the stored configuration").isEqualTo(before);
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void theApiSocketIsRootOnlyAndRefusesAnotherUser() throws Exception {
        assertThat(eflow("list").exitCode()).isZero(); // the daemon is up
        Path socket = host.paths().daemonSocket();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
                .isEqualTo("rwx------");
        Exec.Result asNobody = Exec.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                "curl", "-s", "--unix-socket", socket.toString(), "http://eflow/v1/instances").run();
        assertThat(asNobody.exitCode()).as("curl: could not connect").isEqualTo(7);
        assertThat(asNobody.stdout()).isEmpty();
    }

    @Test
    void aNonRootCallerIsRefusedBeforeAnythingHappens() throws Exception {
        Path copy = Files.createTempDirectory("eflow-launcher-it");
        try {
            Exec.Result result = Exec.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                    launcherAnyoneCanRun(copy).toString(), "deploy", "--name", "cli-nonroot")
                    .env("EFLOW_HOME", host.paths().home().toString()).run();
            assertThat(result.exitCode()).as(result.stderr()).isEqualTo(1);
            assertThat(result.stderr()).startsWith("eflow: eflow needs root");
            assertThat(Files.exists(host.paths().instance("cli-nonroot"))).isFalse();
        } finally {
            FileTrees.deleteRecursively(copy);
        }
    }

    /**
     * The same launcher and jars, in a folder another user can reach: a clone may sit under a root-only home (mode
     * 0700, as /root is), where the other user would stop at the folder before eflow could refuse it.
     */
    private static Path launcherAnyoneCanRun(Path dir) throws IOException {
        Path target = LAUNCHER.getParent().resolveSibling("eflow-host").resolve("target");
        Path lib = Files.createDirectories(dir.resolve("eflow-host/target/lib"));
        List<Path> readable = new ArrayList<>();
        readable.add(Files.copy(target.resolve("eflow-host.jar"), lib.resolveSibling("eflow-host.jar")));
        try (var jars = Files.list(target.resolve("lib"))) {
            for (Path jar : jars.toList()) {
                readable.add(Files.copy(jar, lib.resolve(jar.getFileName())));
            }
        }
        Path launcher = Files.copy(LAUNCHER, Files.createDirectories(dir.resolve("bin")).resolve("eflow"));
        for (Path made : List.of(dir, dir.resolve("bin"), dir.resolve("eflow-host"), lib.getParent(), lib, launcher)) {
            Files.setPosixFilePermissions(made, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        for (Path file : readable) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
        return launcher;
    }
}
