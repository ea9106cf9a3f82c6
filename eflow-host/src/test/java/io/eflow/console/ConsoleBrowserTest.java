package io.eflow.console;

import io.eflow.daemon.Eflowd;
import io.eflow.daemon.api.ConsoleEnable;
import io.eflow.daemon.api.ConsoleStatus;
import io.eflow.instance.InstanceManager;
import io.eflow.platform.EflowPaths;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's pages in Debian's Chromium (Playwright, src/test/node/console) against a real eflowd without guests:
 * login, the instance list, the host, users and roles, logout. Screenshots go to target/console-screenshots. The pages
 * with guests are in ConsoleIT.
 */
@EnabledIf("io.eflow.platform.Privileges#isRoot")
class ConsoleBrowserTest {
    @TempDir
    Path home;
    private Eflowd eflowd;
    private ConsoleStatus status;

    @BeforeEach
    void enable() throws Exception {
        EflowPaths paths = EflowPaths.from(Map.of("EFLOW_HOME", home.toString()));
        eflowd = Eflowd.start(paths, new InstanceManager(paths));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        status = eflowd.console().enable(new ConsoleEnable("127.0.0.1:" + port, null, null, null, null));
    }

    @AfterEach
    void stop() {
        eflowd.close();
    }

    @Test
    void loginUsersRolesAndLogoutInTheBrowser() {
        ConsoleBrowser.scenario("access.mjs", status.url(), Map.of("EFLOW_ADMIN_PASSWORD", status.firstPassword()));
        assertThat(eflowd.console().accounts().users()).extracting(u -> u.name() + ":" + u.role()).containsExactly("admin:admin", "watcher:viewer");
    }
}
