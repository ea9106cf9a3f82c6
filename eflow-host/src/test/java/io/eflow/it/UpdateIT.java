package io.eflow.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.backend.RootCheck;
import io.eflow.boot.BootControl;
import io.eflow.boot.SlotRecords;
import io.eflow.image.DerivedImage;
import io.eflow.image.GuestImage;
import io.eflow.image.ImageVerifier;
import io.eflow.image.ReleaseKeys;
import io.eflow.image.TrustStore;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.Slot;
import io.eflow.platform.Exec;
import io.eflow.platform.FileTrees;
import io.eflow.platform.Json;
import io.eflow.update.FaultPoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Servicing updates end to end, through the real launcher and an on-demand daemon (the fault points kill that daemon
 * with SIGKILL): a normal update keeps /var, /etc, the deployment and the hub's queues; a bundle whose runtime never
 * becomes healthy rolls back by itself; tampered, foreign-signed, skipping and downgrading bundles are refused with the
 * instance untouched; and a kill -9 at each named step leaves an instance that starts on a verified slot with its
 * data, where applying again finishes the update.
 * <p>
 * The qemu half runs the fault point inside the trial boot where the VM's initramfs has spent a try (each point costs
 * emulated boots of a minute or two); the full tier (or {@code -Deflow.update.faults=all}) runs every point there too.
 * The CI tier's qemu half runs the rollback and that one fault point (which ends in a finished update).
 */
@BothBackends
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UpdateIT {
    static final Path LAUNCHER = Launcher.PATH;
    private static final Map<String, Fixture> FIXTURES = new HashMap<>();
    /**
     * Bundles and derived images both halves use, built once: the halves run in JVMs of their own, one after the other,
     * so they meet in the build folder; the qemu half removes it when it ends.
     */
    private static final Path SHARED = Path.of(System.getProperty("eflow.it.work", "target/eflow-it"), "update-bundles");

    @Parameter
    String backend;
    private TestHost host;
    private Fixture fx;

    /** One instance per backend, updated step by step through the class, and the bundles made for it. */
    private static final class Fixture {
        final String name;
        final Path work;
        final String home;
        int patch;

        Fixture(String name, Path work, String home) {
            this.name = name;
            this.work = work;
            this.home = home;
        }
    }

    @BeforeEach
    void setUp(TestHost testHost) throws Exception {
        host = testHost;
        synchronized (FIXTURES) {
            fx = FIXTURES.get(backend);
            if (fx == null) {
                fx = new Fixture(backend.equals(TestHost.NAMESPACE) ? "it-update" : "it-update-qemu",
                        testHost.workDir("update-" + backend), testHost.paths().home().toString());
                FIXTURES.put(backend, fx);
                deploy();
            }
        }
    }

    private void deploy() throws Exception {
        ok(eflow("deploy", "--name", fx.name, "--backend", backend, "--data-size", "2"));
        // data, a changed /etc, a running deployment and queued messages: what an update must not touch (the module
        // ends on SIGTERM, as a module PID 1 without a handler would not: every restart here waits for no timeout)
        guestRoot("mkdir -p /var/lib/it-update && echo keep-me > /var/lib/it-update/data && echo changed > /etc/it-update.conf");
        // on a terminal (script(1) lends the CLI a pty) the copy into the guest draws its bar to the end
        Exec.Result load = onTerminal(host, "image", "load", "--name", fx.name, EdgeAgentIT.busyboxImage(host).toString());
        ok(load);
        assertThat(load.stdout()).contains("copying busybox").contains("MiB) into the guest\r\n\r\033[K[")
                .contains("] 100%").contains("loading it into the guest's image store");
        Path manifest = fx.work.resolve("deployment.json");
        Files.writeString(manifest, EdgeAgentIT.manifest(Map.of("sleeper",
                EdgeAgentIT.module("trap 'exit 0' TERM; sleep 100000 & wait", "always", "running", 0, "update-it"))));
        ok(eflow("deployment", "apply", "--name", fx.name, manifest.toString()));
        await().atMost(Duration.ofMinutes(3)).until(() -> moduleRunning("sleeper"));
        for (int i = 0; i < 3; i++) {
            ok(eflow("hub", "publish", "--name", fx.name, "sleeper/in", "{\"n\":" + i + "}"));
        }
    }

    /** Each half removes its instance when it ends, so one backend's guests are alive at a time. */
    @AfterParameterizedClassInvocation
    static void removeInstance(String backend) {
        Fixture fixture = FIXTURES.remove(backend);
        if (fixture != null) {
            Exec.of(LAUNCHER.toString(), "remove", "--force", "--name", fixture.name).env("EFLOW_HOME", fixture.home)
                    .timeoutSeconds(300).run();
            FileTrees.deleteRecursively(fixture.work);
            Launcher.stopDaemon(fixture.home);
        }
        if (backend.equals(TestHost.QEMU)) {
            FileTrees.deleteRecursively(SHARED); // the last half that uses the bundles
        }
    }

    @Test
    @Order(1)
    void aNormalUpdateKeepsDataEtcTheDeploymentAndTheQueues() throws Exception {
        long queued = queued();
        assertThat(queued).isGreaterThanOrEqualTo(3);
        Path bundle = bundle(host.image(), nextVersion());

        Exec.Result applied = eflow("update", "apply", "--name", fx.name, bundle.toString(), "--health-timeout", healthTimeout());
        ok(applied);
        assertThat(applied.stdout()).contains("updated to " + installed());

        JsonNode get = json(eflow("get", "--name", fx.name, "--json"));
        assertThat(get.path("configuration").path("imageVersion").asText()).isEqualTo(installed());
        assertThat(get.path("configuration").path("activeSlot").asText()).isEqualTo(Slot.B.name());
        assertThat(guestRoot("cat /run/eflow-boot")).contains("slot=B");
        assertThat(guestRoot("cat /var/lib/it-update/data")).isEqualTo("keep-me");
        assertThat(guestRoot("cat /etc/it-update.conf")).isEqualTo("changed");
        await().atMost(Duration.ofMinutes(3)).until(() -> moduleRunning("sleeper"));
        await().atMost(Duration.ofMinutes(2)).until(() -> queued() == queued);
        assertThat(guestRoot("ls /logs")).contains("eflow-guest");

        JsonNode status = json(eflow("update", "status", "--name", fx.name, "--json"));
        assertThat(status.path("lastUpdate").path("phase").asText()).isEqualTo("COMMITTED");
        assertThat(status.path("lastTrial").path("result").asText()).isEqualTo("COMMITTED");

        // update check through the REST API: the folder's bundle is the release now installed
        Exec.Result check = Exec.of("curl", "-sS", "--fail-with-body", "--unix-socket", host.paths().daemonSocket().toString(),
                "-G", "--data-urlencode", "source=" + fx.work, "http://eflow/v1/instances/" + fx.name + "/update/check").run();
        ok(check);
        JsonNode rows = json(check);
        assertThat(rows).anySatisfy(row -> {
            assertThat(row.path("version").asText()).isEqualTo(installed());
            assertThat(row.path("relation").asText()).isEqualTo("installed");
        });
        assertVerifiedAndIntact();
    }

    @Test
    @Order(2)
    @VmCheck
    void aBundleWhoseRuntimeNeverBecomesHealthyRollsBackByItself() throws Exception {
        String before = installed();
        String version = "0.1." + (fx.patch + 1);
        Path bundle = bundle(brokenRuntime(version), version);

        Exec.Result applied = eflow("update", "apply", "--name", fx.name, bundle.toString(), "--health-timeout", healthTimeout());
        assertThat(applied.exitCode()).as(applied.stderr()).isNotZero();
        assertThat(applied.stderr()).contains("rolled back", "running " + before);

        JsonNode status = json(eflow("update", "status", "--name", fx.name, "--json"));
        assertThat(status.path("version").asText()).isEqualTo(before);
        assertThat(status.path("lastUpdate").path("phase").asText()).isEqualTo("ROLLED_BACK");
        assertThat(status.path("lastTrial").path("result").asText()).isEqualTo("FAILED");
        assertThat(status.path("lastUpdate").path("reason").asText()).contains("runtime");
        assertThat(eflow("update", "status", "--name", fx.name).stdout()).contains("rolled back", "runtime");
        assertThat(json(eflow("get", "--name", fx.name, "--json")).path("configuration").path("imageVersion").asText()).isEqualTo(before);
        assertVerifiedAndIntact();
    }

    @Test
    @Order(3)
    void tamperedForeignSkippingAndDowngradingBundlesAreRefusedAndChangeNothing() throws Exception {
        String next = "0.1." + (fx.patch + 1);
        Path tampered = bundle(host.image(), next);
        try (RandomAccessFile file = new RandomAccessFile(tampered.toFile(), "rw")) {
            long middle = file.length() / 2;
            file.seek(middle);
            int b = file.read();
            file.seek(middle);
            file.write(b ^ 0x40);
        }
        // the same image, signed from end to end by a key this host does not trust
        Path otherKeys = fx.work.resolve("other-key");
        GuestImage foreignImage = DerivedImage.derive(host.image(), Map.of(), next, ReleaseKeys.loadOrCreate(otherKeys),
                fx.work.resolve("foreign-image"));
        Path foreign = fx.work.resolve("foreign.bundle");
        ok(eflow("image", "bundle", "--image", foreignImage.dir().toString(), "--version", next, "--key", otherKeys.toString(),
                "--out", foreign.toString()));
        Path skipping = bundle(host.image(), "0.1." + (fx.patch + 2));
        Path downgrading = bundle(host.image(), "0.0.9");

        Map<String, String> refusals = Map.of(tampered.toString(), "sha256", foreign.toString(), "trusted key",
                skipping.toString(), "sequence", downgrading.toString(), "older");
        String before = snapshot();
        for (var refusal : refusals.entrySet()) {
            Exec.Result applied = eflow("update", "apply", "--name", fx.name, refusal.getKey());
            assertThat(applied.exitCode()).as(refusal.getKey()).isNotZero();
            // the refusal is one line, the last; a part found tampered while it streams comes after the progress so far
            List<String> errors = applied.stderr().lines().filter(line -> line.startsWith("eflow: ")).toList();
            assertThat(errors).as(refusal.getKey()).hasSize(1).allSatisfy(line -> assertThat(line).contains(refusal.getValue()));
            assertThat(applied.stderr().strip()).as(refusal.getKey()).endsWith(errors.get(0));
            if (!refusal.getValue().equals("sha256")) {
                assertThat(applied.stderr().lines().toList()).as(refusal.getKey() + ": refused before any work").hasSize(1);
            }
            assertThat(snapshot()).as(refusal.getKey()).isEqualTo(before);
        }
        assertVerifiedAndIntact();
    }

    @Test
    @Order(4)
    @VmCheck
    void killedAtEveryStepTheInstanceStartsOnAVerifiedSlotAndApplyingAgainFinishes() throws Exception {
        for (FaultPoint point : faultPoints()) {
            String before = installed();
            String version = "0.1." + (fx.patch + 1);
            boolean failing = point == FaultPoint.FAILED_TRIAL;
            Path bundle = bundle(failing ? brokenRuntime(version) : host.image(), version);
            Path armed = host.paths().run().resolve("faults").resolve("update");
            Files.createDirectories(armed.getParent());
            Files.writeString(armed, point.word());

            Exec.Result applied = eflow("update", "apply", "--name", fx.name, bundle.toString(), "--health-timeout", healthTimeout());
            assertThat(applied.exitCode()).as(point + ": " + applied.stderr()).isNotZero();
            assertThat(armed).as(point + " was reached").doesNotExist();

            // the restart: the daemon comes back on demand, the guest is stopped (if it still runs) and started, as
            // after a power cut; a trial that was set boots now and decides by itself
            ok(eflow("stop", "--name", fx.name));
            ok(eflow("start", "--name", fx.name));
            await().atMost(Duration.ofSeconds(Long.parseLong(healthTimeout()) + 240)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> json(eflow("update", "status", "--name", fx.name, "--json")).path("trialSlot").isMissingNode());
            assertVerifiedAndIntact();

            if (failing) {
                assertThat(installed()).as(point.toString()).isEqualTo(before);
                continue;
            }
            ok(eflow("update", "apply", "--name", fx.name, bundle.toString(), "--health-timeout", healthTimeout()));
            fx.patch++;
            assertThat(installed()).as(point.toString()).isEqualTo(version);
            assertVerifiedAndIntact();
        }
    }

    private List<FaultPoint> faultPoints() {
        if (backend.equals(TestHost.NAMESPACE) || Backends.fullTier() || "all".equals(System.getProperty("eflow.update.faults"))) {
            return Arrays.asList(FaultPoint.values());
        }
        // In a VM the initramfs spends the try: a healthy trial killed before its commit must boot again and commit.
        return List.of(FaultPoint.BEFORE_COMMIT);
    }

    /** Running, on its committed slot, which holds a signed image matching its root hash, and the data is all there. */
    private void assertVerifiedAndIntact() throws Exception {
        InstanceLayout layout = host.manager().layout(fx.name);
        BootControl record = BootControl.read(layout.bootControl());
        assertThat(record.trial()).isNull();
        assertThat(json(eflow("get", "--name", fx.name, "--json")).path("powerState").asText()).isEqualTo("RUNNING");
        assertThat(guestRoot("cat /run/eflow-boot")).contains("slot=" + record.active());
        assertThat(SlotRecords.holdsImage(layout, record.active())).isTrue();
        ImageVerifier.verifyManifest(SlotRecords.file(layout, record.active(), GuestImage.MANIFEST).orElseThrow(),
                SlotRecords.file(layout, record.active(), GuestImage.SIGNATURE).orElseThrow(), TrustStore.load(host.paths()));
        RootCheck.verify(layout, record.active());
        assertThat(guestRoot("cat /var/lib/it-update/data")).isEqualTo("keep-me");
        assertThat(guestRoot("cat /etc/it-update.conf")).isEqualTo("changed");
    }

    /** The boot-control record, the slot records and the configuration: what a refused bundle must leave as it was. */
    private String snapshot() throws IOException {
        return snapshot(host.manager().layout(fx.name));
    }

    static String snapshot(InstanceLayout layout) throws IOException {
        StringBuilder out = new StringBuilder(BootControl.read(layout.bootControl()).format()).append('\n');
        out.append(Files.readString(layout.configFile()));
        for (Slot slot : Slot.values()) {
            for (String file : List.of(GuestImage.MANIFEST, SlotRecords.BUNDLE)) {
                out.append(SlotRecords.file(layout, slot, file).map(b -> new String(b, StandardCharsets.UTF_8)).orElse("-"));
            }
            out.append(Files.size(layout.rootSlot(slot))).append(Files.getLastModifiedTime(layout.rootSlot(slot)));
        }
        return out.toString();
    }

    private String nextVersion() {
        fx.patch++;
        return installed();
    }

    private String installed() {
        return "0.1." + fx.patch;
    }

    private String healthTimeout() {
        return backend.equals(TestHost.NAMESPACE) ? "60" : "300";
    }

    /** The same image with a runtime that exits at once: it never becomes healthy. */
    private GuestImage brokenRuntime(String version) throws Exception {
        Path dir = shared().resolve("broken-" + version);
        if (Files.isDirectory(dir)) {
            try {
                return ImageVerifier.verify(dir, TrustStore.load(host.paths()));
            } catch (RuntimeException halfMade) {
                FileTrees.deleteRecursively(dir); // an earlier half was stopped while deriving it
            }
        }
        return DerivedImage.derive(host.image(), Map.of("/etc/eflow/services/eflow-guest/run",
                        "#!/bin/sh\necho 'this runtime is broken on purpose'\nexit 1\n".getBytes(StandardCharsets.UTF_8)),
                version, ReleaseKeys.load(host.paths().releaseKey()), dir);
    }

    /** A bundle of its own for the test (one test tampers with it), copied from the one both halves share. */
    private Path bundle(GuestImage image, String version) throws IOException {
        Path built = shared().resolve("eflow-" + version + "-" + image.dir().getFileName() + ".bundle");
        if (!Files.isRegularFile(built)) {
            Path partial = built.resolveSibling(built.getFileName() + ".partial");
            FileTrees.deleteRecursively(partial);
            ok(eflow("image", "bundle", "--image", image.dir().toString(), "--version", version, "--out", partial.toString()));
            Files.move(partial, built);
        }
        Path out = fx.work.resolve(built.getFileName());
        Files.copy(built, out, StandardCopyOption.REPLACE_EXISTING);
        return out;
    }

    /** The shared folder for this run's image (a rebuilt image makes the old bundles useless). */
    private Path shared() throws IOException {
        Path dir = SHARED.resolve(host.image().dir().getFileName().toString());
        if (!Files.isDirectory(dir)) {
            FileTrees.deleteRecursively(SHARED);
        }
        return Files.createDirectories(dir);
    }

    private boolean moduleRunning(String module) {
        JsonNode modules = json(eflow("module", "list", "--name", fx.name, "--json"));
        for (JsonNode m : modules.isArray() ? modules : List.of(modules.path(module))) {
            if ((m.path("name").asText(module).equals(module)) && m.path("runtimeStatus").asText().equals("running")) {
                return true;
            }
        }
        return false;
    }

    /** Messages waiting in the hub's store (the sleeper never reads its input). */
    private long queued() {
        JsonNode endpoints = json(eflow("hub", "status", "--name", fx.name, "--json")).path("store").path("endpoints");
        long total = 0;
        for (JsonNode endpoint : endpoints) {
            total += endpoint.path("queueLength").asLong();
        }
        return total;
    }

    private String guestRoot(String script) {
        Exec.Result result = eflow("invoke", "--name", fx.name, "--", "sudo", "sh", "-c", script);
        ok(result);
        return result.stdout().strip();
    }

    private Exec.Result eflow(String... args) {
        return Launcher.run(host, 1800, args);
    }

    /** The CLI on a pseudo-terminal: what a person at a terminal sees, stdout and stderr together, in stdout. */
    static Exec.Result onTerminal(TestHost host, String... args) {
        StringBuilder line = new StringBuilder("'" + LAUNCHER + "'");
        for (String arg : args) {
            line.append(" '").append(arg.replace("'", "'\\''")).append("'");
        }
        return Exec.of("script", "-qec", line.toString(), "/dev/null").env("EFLOW_HOME", host.paths().home().toString())
                .env("EFLOW_TRUST_DIR", host.paths().trust().toString()).timeoutSeconds(600).run();
    }

    private static void ok(Exec.Result result) {
        assertThat(result.exitCode()).as(result.stderr()).isZero();
    }

    private static JsonNode json(Exec.Result result) {
        ok(result);
        try {
            return Json.mapper().readTree(result.stdout());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + result.stdout(), e);
        }
    }
}
