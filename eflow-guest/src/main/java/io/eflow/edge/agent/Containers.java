package io.eflow.edge.agent;

import io.eflow.contract.manifest.EdgeModule;
import io.eflow.contract.manifest.HostConfig;
import io.eflow.edge.device.DeviceIdentity;
import io.eflow.edge.device.ModuleHub;
import io.eflow.edge.logs.ModuleLogs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Makes and starts module containers: a bundle per module under {@code root/<name>} (config.json, the overlay's
 * writable layer, its mount point), kept across restarts of the same module and deleted when it is recreated or
 * removed, as Docker keeps a container's writable layer until the container is removed.
 */
final class Containers {
    /** How long a start may take before the agent stops waiting for it and moves on to the next module. */
    static final Duration CREATE_TIMEOUT = Duration.ofSeconds(30);
    private final Path root;
    private final Path hostsFile;
    private final Path volumes;
    private final DeviceIdentity identity;
    private final ModuleHub hub;
    private final ModuleLogs logs;
    private Set<String> named = Set.of();

    Containers(Path root, Path volumes, DeviceIdentity identity, ModuleLogs logs, ModuleHub hub) {
        this.hub = hub;
        this.root = root;
        this.hostsFile = root.resolve(".hosts");
        this.volumes = volumes;
        this.identity = identity;
        this.logs = logs;
    }

    /**
     * Writes the deployment's hosts file: edgeHub, the device and every module answer on the guest's loopback,
     * where modules share the guest's network (a namespace guest cannot make them links of their own). Written in
     * place, so running modules, which have it bind-mounted, see new names.
     */
    void names(Collection<String> modules) throws IOException {
        Set<String> names = new LinkedHashSet<>(List.of("edgeHub", identity.gatewayHostName()));
        names.addAll(modules);
        if (names.equals(named) && Files.exists(hostsFile)) {
            return;
        }
        Files.createDirectories(root);
        String hosts = "127.0.0.1\tlocalhost " + String.join(" ", names) + "\n::1\tlocalhost ip6-localhost ip6-loopback\n";
        Files.writeString(hostsFile, hosts);
        named = names;
    }

    /** Starts the module's container and waits until crun has created it, so start times follow startupOrder. */
    ContainerProcess start(EdgeModule module, ModuleImages.Prepared image, String generationId) throws IOException {
        if (module.createOptions().hostConfig().privileged() && !ModuleCgroup.enforced()) {
            // in a namespace guest a privileged module's root would hold CAP_SYS_ADMIN beside the host's kernel
            throw new ModuleSpecException(module.name(), "HostConfig.Privileged needs a VM guest (--backend qemu):"
                    + " a namespace guest shares the host's kernel");
        }
        Path bundle = root.resolve(module.name());
        for (String dir : new String[] {"rootfs", "upper", "work"}) {
            Files.createDirectories(bundle.resolve(dir));
        }
        boolean connectionString = Boolean.parseBoolean(module.createOptions().labels().get(ModuleSpec.CONNECTION_STRING_LABEL));
        Optional<ModuleHub.ModuleAccess> access = hub.access(module.name(), connectionString);
        ModuleSpec.Result spec = ModuleSpec.render(new ModuleSpec.Inputs(module, image.config(), bundle.resolve("rootfs"),
                identity.deviceId(), identity.iotHubHostName(), identity.gatewayHostName(), generationId, hostsFile,
                null, volumes, ModuleCgroup.enforced() ? CgroupMode.UNIFIED : CgroupMode.HYBRID, DeviceNode::stat, access));
        for (Path volume : spec.volumes()) {
            Files.createDirectories(volume);
        }
        if (access.isPresent()) {
            hub.serveWorkload(module.name(), spec.user().uid(), spec.user().gid());
        }
        Files.writeString(bundle.resolve("config.json"), spec.json());
        Path probe = bundle.resolve(ContainerProcess.PROBE);
        if (spec.probe().isPresent()) {
            Files.writeString(probe, spec.probe().get());
        } else {
            Files.deleteIfExists(probe);
        }
        HostConfig host = module.createOptions().hostConfig();
        ModuleCgroup cgroup = ModuleCgroup.create(module.name(), host.memory(), host.nanoCpus(), ModuleSpec.PIDS_LIMIT);
        ContainerProcess container = ContainerProcess.start(module.name(), bundle, image.rootfs(), cgroup,
                spec.probe().isPresent() ? spec.health() : null);
        var log = logs.open(module.name());
        log.attach(container.process().getInputStream(), container.process().getErrorStream());
        log.event("started " + module.image() + " (" + image.manifestDigest() + ")");
        awaitCreated(container);
        return container;
    }

    private static void awaitCreated(ContainerProcess container) {
        long deadline = System.nanoTime() + CREATE_TIMEOUT.toNanos();
        try {
            while (!container.created() && container.process().isAlive() && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Deletes the module's bundle, writable layer included (a recreated or removed module starts afresh). */
    void delete(String module) {
        ImageRoots.delete(root.resolve(module));
    }

    /** A module removed from the deployment: its bundle and its logs go. */
    void forget(String module) {
        delete(module);
        try {
            logs.remove(module);
        } catch (IOException e) {
            System.getLogger(Containers.class.getName()).log(System.Logger.Level.WARNING,
                    "cannot delete the logs of " + module + ": " + e.getMessage());
        }
    }

    /** Notes a module's exit in its log, where the user looks for why it stopped. */
    void exited(String module, int code) {
        logs.open(module).event("exited with " + code);
    }
}
