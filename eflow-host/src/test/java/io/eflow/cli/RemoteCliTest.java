package io.eflow.cli;

import io.eflow.daemon.Eflowd;
import io.eflow.instance.InstanceManager;
import io.eflow.platform.EflowPaths;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code eflow --host}: the console enabled and users and tokens made with the CLI on the host, then the same commands
 * from a user who is not root, over HTTPS with a token, giving the host's output and exit codes; the token's role
 * decides what runs. (A daemon on another network namespace, with guests, is in RemoteCliIT.)
 */
@EnabledIf("io.eflow.platform.Privileges#isRoot")
class RemoteCliTest {
    private static final Pattern TOKEN = Pattern.compile("^(eflow_\\S+)$", Pattern.MULTILINE);
    @TempDir
    Path home;
    @TempDir
    Path cwd;
    private Eflowd eflowd;
    private String[] remote;

    @BeforeEach
    void enableConsole() throws Exception {
        EflowPaths paths = EflowPaths.from(Map.of("EFLOW_HOME", home.toString()));
        eflowd = Eflowd.start(paths, new InstanceManager(paths));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        CliRun enabled = host("console", "enable", "--listen", "127.0.0.1:" + port);
        assertThat(enabled.exitCode()).as(enabled.err()).isZero();
        assertThat(enabled.out()).contains("console: on at https://127.0.0.1:" + port + "/").contains("first admin: admin, password: ")
                .contains("remote clients trust: " + home.resolve("console/ca.pem"));
        assertThat(host("console", "status").out()).doesNotContain("password");
        Files.writeString(cwd.resolve("admin.token"), token(host("console", "token", "create", "--name", "laptop", "--user", "admin")));
        remote = new String[]{"--host", "https://127.0.0.1:" + port, "--token-file", "admin.token", "--ca", home.resolve("console/ca.pem").toString()};
    }

    @AfterEach
    void stop() {
        eflowd.close();
    }

    private CliRun host(String... args) {
        return CliRun.run(home, cwd, true, args);
    }

    /** As a user who is not root, on another machine: only the remote options say where eflowd is. */
    private CliRun remote(String[] options, String... args) {
        String[] line = new String[options.length + args.length];
        System.arraycopy(options, 0, line, 0, options.length);
        System.arraycopy(args, 0, line, options.length, args.length);
        return CliRun.run(home.resolve("elsewhere"), cwd, false, line);
    }

    private static String token(CliRun created) {
        assertThat(created.exitCode()).as(created.err()).isZero();
        Matcher matcher = TOKEN.matcher(created.out());
        assertThat(matcher.find()).as(created.out()).isTrue();
        return matcher.group(1);
    }

    @Test
    void theSameCommandsGiveTheSameOutputAndExitCodes() {
        for (String[] command : new String[][]{{"list"}, {"network", "list"}, {"console", "user", "list"}, {"get", "--name", "nosuch"},
                {"stop", "--name", "nosuch"}, {"network", "remove", "nosuch"}, {"list", "--json"}, {"dns", "show", "--name", "x"}}) {
            CliRun local = host(command);
            CliRun far = remote(remote, command);
            assertThat(far.exitCode()).as(String.join(" ", command)).isEqualTo(local.exitCode());
            assertThat(far.out()).as(String.join(" ", command)).isEqualTo(local.out());
            assertThat(far.err()).as(String.join(" ", command)).isEqualTo(local.err());
        }
    }

    @Test
    void theTokensRoleDecidesAndBadTargetsAreOneLine() throws Exception {
        assertThat(host("console", "user", "add", "watcher", "--role", "viewer").out()).contains("password: ");
        Files.writeString(cwd.resolve("viewer.token"), token(host("console", "token", "create", "--name", "ci", "--user", "watcher",
                "--expires", "1h")));
        String[] asViewer = remote.clone();
        asViewer[3] = "viewer.token";

        assertThat(remote(asViewer, "list").exitCode()).isZero();
        CliRun stop = remote(asViewer, "stop", "--name", "edge1");
        assertThat(stop.exitCode()).isEqualTo(1);
        assertThat(stop.err()).isEqualTo("eflow: user watcher has the viewer role; this needs operator\n");
        assertThat(remote(asViewer, "console", "disable").err()).contains("works on the host only");

        assertThat(remote(remote, "console", "token", "revoke", "ci").exitCode()).isZero();
        assertThat(remote(asViewer, "list").err()).isEqualTo("eflow: the API token is unknown, revoked or expired\n");

        CliRun plain = remote(new String[]{"--host", "http://127.0.0.1:9"}, "list");
        assertThat(plain.exitCode()).isEqualTo(1);
        assertThat(plain.err()).contains("needs https://HOST[:PORT]");
        CliRun untrusted = remote(new String[]{"--host", remote[1], "--token-file", "admin.token"}, "list");
        assertThat(untrusted.exitCode()).isEqualTo(1);
        assertThat(untrusted.err()).startsWith("eflow: ").contains("TLS with 127.0.0.1:").hasLineCount(1);
        CliRun missing = remote(new String[]{"--host"}, "list");
        assertThat(missing.exitCode()).isEqualTo(2);
    }
}
