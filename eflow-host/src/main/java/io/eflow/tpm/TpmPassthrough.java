package io.eflow.tpm;

import io.eflow.instance.model.InstanceLayout;
import io.eflow.platform.EflowException;
import io.eflow.platform.FileTrees;
import io.eflow.platform.ProcessLock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The TPM proxies this process serves, one per running guest with the dps-tpm feature on. The guest finds the TPM
 * as a socket in {@link #GUEST_FOLDER}: on the namespace backend the host folder {@link #folder} is bind-mounted
 * there; on qemu the proxy attaches to a virtio-serial port and the guest's own relay puts the socket there.
 * Thread-safe.
 */
public final class TpmPassthrough implements AutoCloseable {
    /** Where a guest's processes reach the TPM: {@code TPM2TOOLS_TCTI="cmd:socat - UNIX-CONNECT:/run/eflow-tpm/tpm.sock"}. */
    public static final String GUEST_FOLDER = "/run/eflow-tpm";
    public static final String SOCKET = "tpm.sock";
    /** The virtio-serial port's name on qemu. */
    public static final String PORT_NAME = "eflow.tpm";

    private final String hostTpm;
    private final Map<Path, Served> served = new ConcurrentHashMap<>();

    private record Served(TpmProxy proxy, ProcessLock lock) {
    }

    /** @param hostTpm {@code /dev/tpmrm0}, or {@code unix:/path} for a socket speaking raw TPM frames (swtpm) */
    public TpmPassthrough(String hostTpm) {
        this.hostTpm = hostTpm;
    }

    /** The host TPM from {@code EFLOW_TPM}, else the kernel's resource-managed device. */
    public static TpmPassthrough fromEnvironment(Map<String, String> env) {
        String spec = env.get("EFLOW_TPM");
        return new TpmPassthrough(spec == null || spec.isBlank() ? HostTpm.DEFAULT : spec);
    }

    /** Before the feature is turned on: a host without a TPM cannot pass one through. */
    public void requireHostTpm() {
        if (!HostTpm.present(hostTpm)) {
            throw EflowException.conflict("this host has no TPM (" + hostTpm + "); TPM passthrough needs one");
        }
    }

    /** The host TPM this passthrough uses: {@code /dev/tpmrm0} or {@code unix:/path}. */
    public String hostTpm() {
        return hostTpm;
    }

    /** The endorsement key of the host TPM the guests reach (see {@link EndorsementKey#read}). */
    public EndorsementKey endorsementKey() {
        return EndorsementKey.read(hostTpm);
    }

    /** The host folder a namespace guest sees at {@link #GUEST_FOLDER}. */
    public static Path folder(InstanceLayout layout) {
        return layout.run().resolve("tpm");
    }

    /** QEMU's socket of the TPM port. */
    public static Path portSocket(InstanceLayout layout) {
        return folder(layout).resolve("port.sock");
    }

    /** Creates the guest's TPM folder (before a namespace guest's mounts are set up). */
    public static void prepare(InstanceLayout layout) {
        try {
            Files.createDirectories(folder(layout));
            Files.setPosixFilePermissions(folder(layout), PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw EflowException.failure("cannot create " + folder(layout) + ": " + e.getMessage(), e);
        }
    }

    /** Namespace guest: listen on the socket in its folder. */
    public void serveSocket(InstanceLayout layout) {
        serve(layout, tpm -> TpmProxy.listening(layout.name(), tpm, folder(layout).resolve(SOCKET)));
    }

    /** VM: attach to QEMU's socket of its TPM port. */
    public void servePort(InstanceLayout layout) {
        serve(layout, tpm -> TpmProxy.attachedTo(layout.name(), tpm, portSocket(layout)));
    }

    private interface ProxyStart {
        TpmProxy start(String hostTpm) throws IOException;
    }

    private synchronized void serve(InstanceLayout layout, ProxyStart start) {
        if (served.containsKey(layout.run())) {
            return;
        }
        requireHostTpm();
        prepare(layout);
        ProcessLock lock = null;
        try {
            Optional<ProcessLock> held = ProcessLock.tryAcquire(folder(layout).resolve("proxy.lock"));
            if (held.isEmpty()) {
                return; // another eflow process serves this guest's TPM
            }
            lock = held.get();
            served.put(layout.run(), new Served(start.start(hostTpm), lock));
        } catch (IOException e) {
            if (lock != null) {
                lock.close();
            }
            throw EflowException.failure("cannot serve the TPM of '" + layout.name() + "': " + e.getMessage(), e);
        }
    }

    /** Stops this guest's proxy, if this process serves it, and removes its folder. */
    public void stop(InstanceLayout layout) {
        Served gone = served.remove(layout.run());
        if (gone != null) {
            gone.proxy().close();
            gone.lock().close();
        }
        FileTrees.deleteRecursively(folder(layout));
    }

    @Override
    public void close() {
        for (Path run : List.copyOf(served.keySet())) {
            Served gone = served.remove(run);
            gone.proxy().close();
            gone.lock().close();
        }
    }
}
