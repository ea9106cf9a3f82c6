package io.eflow.it;

import io.eflow.image.GuestImage;
import io.eflow.image.ImageBuilder;
import io.eflow.daemon.api.DeployRequest;
import io.eflow.instance.InstanceManager;
import io.eflow.platform.EflowPaths;
import io.eflow.platform.FileTrees;
import io.eflow.tpm.SoftwareTpm;
import io.eflow.tpm.TpmPassthrough;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One eflow install for the whole integration run: its own EFLOW_HOME (state, run, logs), the shared image
 * cache, one image built (or taken from the cache) and one guest per backend deployed, shared by every test class
 * that only reads or writes inside the guest or restarts it. Closed when the run ends: the guests are removed and the
 * home deleted.
 */
public final class TestHost implements ExtensionContext.Store.CloseableResource {
    public static final String SHARED_GUEST = "it-shared";
    public static final String NAMESPACE = "namespace";
    public static final String QEMU = "qemu";
    private final Path home;
    private final EflowPaths paths;
    private final InstanceManager manager;
    private final GuestImage image;
    private final SoftwareTpm tpm;
    private final java.util.Set<String> sharedDeployed = new java.util.HashSet<>();

    private TestHost() throws IOException {
        home = Files.createTempDirectory("eflow-it-");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("EFLOW_HOME", home.toString());
        env.put("EFLOW_TRUST_DIR", home.resolve("trusted-keys").toString());
        paths = EflowPaths.from(env);
        image = ImageBuilder.build(paths, false, line -> System.out.println("[image] " + line));
        tpm = SoftwareTpm.start();
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

    @Override
    public void close() {
        try {
            for (var instance : manager.list()) {
                manager.remove(instance.name());
            }
        } finally {
            manager.close();
            tpm.close();
            FileTrees.deleteRecursively(home);
        }
    }
}
