package io.eflow.backend;

import io.eflow.instance.model.BackendKind;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.PowerState;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * What runs a guest: Linux namespaces or a QEMU virtual machine. Both boot the same image and the same guest
 * init, and both expose the guest's sshd on a host UNIX socket ({@link InstanceLayout#sshSocket()}).
 */
public interface Backend {

    BackendKind kind();

    /**
     * Boots the guest from its active slot and returns once the host-only channel exists. On failure nothing
     * of the attempt is left running or mounted.
     */
    void start(InstanceConfig config, InstanceLayout layout, Consumer<String> progress);

    /**
     * Asks the guest's init to shut down, waits up to {@code grace}, then stops it hard; idempotent.
     * {@code haltRequest} asks init over the management channel, for a backend with no signal of its own to send.
     */
    void stop(InstanceConfig config, InstanceLayout layout, Duration grace, Runnable haltRequest);

    /**
     * Makes sure something serves the guest's SSH socket ({@link InstanceLayout#sshSocket()}) for any number of
     * connections, in this process or another, before a host client connects. Where the guest itself serves it
     * (namespace), there is nothing to do.
     */
    default void serveChannel(InstanceLayout layout) {
    }

    /** Takes up, in this process, the host-side services of a guest that is already running (after a daemon restart). */
    default void resume(InstanceConfig config, InstanceLayout layout) {
    }

    PowerState state(InstanceConfig config, InstanceLayout layout);

    /**
     * Cuts the guest's power: no shutdown, as a crash or a pulled plug would. Its host-side leftovers are cleared by the
     * next start, as after a host crash.
     */
    void powerOff(InstanceLayout layout);

    /**
     * Replaces the running guest's inbound firewall with the one in {@code config}, atomically, on a rule change.
     * {@code guest} reaches into the guest, for a backend whose guest loads its own.
     */
    void applyFirewall(InstanceConfig config, InstanceLayout layout, GuestShell guest);

    /**
     * Once the guest's SSH answers after a start or deploy: what the backend can only do from inside the guest
     * (a VM's full firewall, the image's defaults having held since boot). Nothing for a guest the host sets up.
     */
    default void guestReady(InstanceConfig config, InstanceLayout layout, GuestShell guest) {
    }

    /** The guest's resolver when the user named no servers: the host's, unless the backend has one of its own. */
    default GuestResolver defaultResolver(InstanceConfig config) {
        return GuestResolver.host();
    }

    /** Removes every runtime trace (processes, mounts, network, cgroups) of the instance; idempotent. */
    void cleanup(InstanceLayout layout);
}
