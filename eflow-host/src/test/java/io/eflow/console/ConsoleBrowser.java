package io.eflow.console;

import io.eflow.platform.Exec;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the console's browser scenarios (src/test/node/console, Playwright and Debian's Chromium) against a console. */
public final class ConsoleBrowser {
    static final Path SCENARIOS = Path.of("src/test/node/console");
    static final Path SCREENSHOTS = Path.of("target/console-screenshots");

    private ConsoleBrowser() {
    }

    /** Runs one scenario with the console's address; its failure is the test's, with Playwright's reason. */
    public static void scenario(String file, String url, Map<String, String> env) {
        Exec exec = Exec.of("node", file).in(SCENARIOS).env("EFLOW_CONSOLE_URL", url)
                .env("EFLOW_SCREENSHOTS", SCREENSHOTS.toAbsolutePath().toString()).timeoutSeconds(900);
        env.forEach(exec::env);
        Exec.Result result = exec.run();
        assertThat(result.exitCode()).as(file + ":\n" + result.stdout() + result.stderr()).isZero();
    }
}
