package io.eflow.console;

import io.eflow.platform.Exec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        scenario(List.of(), file, url, env);
    }

    /**
     * As above, with the browser run through {@code prefix} ({@code ip netns exec NS}): Chromium drops its requests
     * whenever the addresses of its network namespace change, as they do on the host while guests come and go.
     */
    public static void scenario(List<String> prefix, String file, String url, Map<String, String> env) {
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(List.of("node", file));
        Exec exec = Exec.of(argv).in(SCENARIOS).env("EFLOW_CONSOLE_URL", url)
                .env("EFLOW_SCREENSHOTS", SCREENSHOTS.toAbsolutePath().toString()).timeoutSeconds(900);
        env.forEach(exec::env);
        Exec.Result result = exec.run();
        assertThat(result.exitCode()).as(file + ":\n" + result.stdout() + result.stderr()).isZero();
    }
}
