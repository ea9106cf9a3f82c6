package io.eflow.it;

import io.eflow.daemon.api.DeployRequest;
import io.eflow.image.GuestImage;
import io.eflow.image.ImageBuilder;
import io.eflow.instance.InstanceManager;
import io.eflow.platform.EflowPaths;
import io.eflow.tpm.SoftwareTpm;
import io.eflow.tpm.TpmPassthrough;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One eflow install for the whole integration run (one backend's half, in the build): its own EFLOW_HOME (state, run,
 * logs), the tests' image cache, one image built (or taken from the cache) and one guest per backend deployed, shared
 * by every test class that only reads or writes inside the guest or restarts it. Before it starts it sweeps what
 * killed runs left ({@link HarnessSweep}); closed when the run ends: every guest is removed and the home deleted.
 */
public final class TestHost implements AutoCloseable {
    public static final String SHARED_GUEST = "it-shared";
    public static final String NAMESPACE = "namespace";
    public static final String QEMU = "qemu";
    private final HarnessRun run;
    private final EflowPaths paths;
    private final InstanceManager manager;
    private final GuestImage image;
    private final SoftwareTpm tpm;
    private final Set<String> sharedDeployed = new HashSet<>();

    private TestHost() throws IOException {
        HarnessSweep.earlierRuns();
        run = HarnessRun.create();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("EFLOW_HOME", run.home().toString());
        env.put("EFLOW_TRUST_DIR", run.home().resolve("trusted-keys").toString());
        paths = EflowPaths.from(env);
        image = ImageBuilder.build(paths, false, line -> System.out.println("[image] " + line));
        tpm = SoftwareTpm.start(run.home().resolve("swtpm"));
        recordHelpers();
        manager = new InstanceManager(paths, new TpmPassthrough(tpm.spec()));
    }

    /** The install for this run, created on first use and closed by JUnit at the very end. */
    public static TestHost get(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(TestHost.class, k -> {
                    try {
                        return new TestHost();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }, TestHost.class);
    }

    public EflowPaths paths() {
        return paths;
    }

    public InstanceManager manager() {
        return manager;
    }

    public GuestImage image() {
        return image;
    }

    /** The host's TPM for this run: swtpm, which guests with dps-tpm on read through eflow's proxy. */
    public SoftwareTpm tpm() {
        return tpm;
    }

    /** This run's id: host-wide names a test makes (the attacker network) carry it, so runs never share them. */
    public String runId() {
        return run.id();
    }

    /**
     * Marks the helper processes this JVM has started so far (a broker, a registry) as this run's, so a later run ends
     * them if this one is killed before it could.
     */
    public void recordHelpers() {
        ProcessHandle.current().children().forEach(child -> run.recordHelper(
                Path.of(child.info().command().orElse("helper")).getFileName() + "-" + child.pid(), child));
    }

    /** A folder of this run's for a test's files: it goes with the run's home, also when the run was killed. */
    public Path workDir(String name) {
        try {
            return Files.createDirectories(run.home().resolve("work").resolve(name));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The namespace guest most tests share; deployed once. */
    public String sharedGuest() {
        return sharedGuest(NAMESPACE);
    }

    /** The guest tests of {@code backend} share; deployed once, on first use. */
    public synchronized String sharedGuest(String backend) {
        String name = backend.equals(NAMESPACE) ? SHARED_GUEST : SHARED_GUEST + "-" + backend;
        if (sharedDeployed.add(name)) {
            manager.deploy(request(name, backend), line -> System.out.println("[deploy " + backend + "] " + line));
        }
        return name;
    }

    public static DeployRequest request(String name) {
        return request(name, NAMESPACE);
    }

    public static DeployRequest request(String name, String backend) {
        return new DeployRequest(name, 1, 1024, 2, "small", backend, null, null, null, null);
    }

    /** Removes every guest even when one removal fails, then the rest; the home only once nothing is mounted in it. */
    @Override
    public void close() {
        List<String> problems = new ArrayList<>(HarnessSweep.removeAll(manager));
        try {
            manager.close();
        } finally {
            tpm.close();
            problems.addAll(HarnessSweep.sweep(run, false));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the test run did not clean up after itself: " + String.join("; ", problems)
                    + " (the next run sweeps it again)");
        }
    }
}
