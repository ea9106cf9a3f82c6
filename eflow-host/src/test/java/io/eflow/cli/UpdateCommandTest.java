package io.eflow.cli;

import io.eflow.image.BaseRecipe;
import io.eflow.image.ReleaseKeys;
import io.eflow.image.TestImages;
import io.eflow.platform.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code eflow image bundle} and {@code eflow update check} run in-process against real files. */
class UpdateCommandTest {
    @TempDir
    Path tmp;

    private Path home;
    private Map<String, String> env;

    @BeforeEach
    void image() throws IOException {
        home = Files.createDirectories(tmp.resolve("home"));
        Path release = tmp.resolve("release");
        ReleaseKeys keys = ReleaseKeys.loadOrCreate(release);
        TestImages.random(tmp.resolve("image"), keys, "1.2.4+0123abcd", BaseRecipe.hostArch(), false);
        env = Map.of("EFLOW_RELEASE_KEY_DIR", release.toString(), "EFLOW_TRUST_DIR", tmp.resolve("trusted").toString(),
                "EFLOW_CACHE", tmp.resolve("cache").toString());
    }

    @Test
    void bundleWritesTheFileAndTheCatalogAndCheckListsIt() throws IOException {
        CliRun bundle = run("image", "bundle", "--image", "image", "--version", "1.2.4", "--out", "updates/eflow-1.2.4.bundle", "--json");
        assertThat(bundle.exitCode()).as(bundle.err()).isZero();
        var written = Json.MAPPER.readTree(bundle.out());
        assertThat(written.path("version").asText()).isEqualTo("1.2.4");
        assertThat(written.path("file").asText()).isEqualTo(tmp.resolve("updates/eflow-1.2.4.bundle").toString());
        assertThat(written.path("keyId").asText()).startsWith("sha256:");
        assertThat(tmp.resolve("updates/catalog.json")).exists();

        CliRun check = run("update", "check", "--source", "updates");
        assertThat(check.exitCode()).as(check.err()).isZero();
        assertThat(check.out()).contains("1.2.4").contains("eflow-1.2.4.bundle").contains(written.path("keyId").asText());
    }

    @Test
    void badInputIsOneLine() {
        CliRun version = run("image", "bundle", "--image", "image", "--version", "1.2", "--out", "x.bundle");
        assertThat(version.exitCode()).isEqualTo(1);
        assertThat(version.err()).isEqualTo("eflow: version '1.2' is not MAJOR.MINOR.PATCH" + System.lineSeparator());

        CliRun http = run("update", "check", "--source", "http://example.com/updates/");
        assertThat(http.exitCode()).isEqualTo(1);
        assertThat(http.err()).isEqualTo("eflow: update source http://example.com/updates/ is not an https:// URL:"
                + " eflow fetches updates over HTTPS only" + System.lineSeparator());

        CliRun group = run("update");
        assertThat(group.exitCode()).isEqualTo(2);
        assertThat(group.err()).startsWith("eflow: update needs a command: apply, status, rollback or check");
    }

    private CliRun run(String... args) {
        return CliRun.run(env, home, tmp, true, new byte[0], args);
    }
}
