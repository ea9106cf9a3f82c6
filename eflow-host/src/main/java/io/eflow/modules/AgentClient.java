package io.eflow.modules;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.contract.manifest.DeploymentManifest;
import io.eflow.contract.manifest.ManifestException;
import io.eflow.contract.manifest.ParsedManifest;
import io.eflow.contract.wire.AgentRequest;
import io.eflow.contract.wire.Check;
import io.eflow.contract.wire.ModuleReport;
import io.eflow.contract.wire.Reply;
import io.eflow.daemon.api.DeploymentApplied;
import io.eflow.daemon.api.EndpointList.EndpointView;
import io.eflow.daemon.api.NameServerView;
import io.eflow.instance.InstanceManager;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.SerialPort;
import io.eflow.instance.model.SharedFolder;
import io.eflow.platform.EflowException;
import io.eflow.platform.Json;
import io.eflow.platform.Progress;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The host's client of a guest's edge agent: deployments, modules, their logs, image loads and checks, each one
 * request on the runtime's socket over the instance's SSH channel (the socket is root-only in the guest).
 */
public final class AgentClient {
    static final String LOAD_FOLDER = "/var/tmp";
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration REMOVE_TIMEOUT = Duration.ofMinutes(2);
    private final InstanceManager instances;
    private final RuntimeSocket runtime;

    public AgentClient(InstanceManager instances) {
        this(instances, new RuntimeSocket(instances));
    }

    public AgentClient(InstanceManager instances, RuntimeSocket runtime) {
        this.instances = instances;
        this.runtime = runtime;
    }

    /**
     * Checks the manifest on the host first (the same parser as the guest's), so a bad one never travels; then the
     * guest applies it. The running deployment stays as it was when either refuses.
     */
    public DeploymentApplied apply(String name, byte[] manifest) {
        ParsedManifest parsed = validate(manifest);
        Reply.Applied applied = runtime.call(name, new AgentRequest.Apply(parsed.manifest().json()));
        return new DeploymentApplied(instances.resolveName(name), applied.modules(), applied.warnings());
    }

    static ParsedManifest validate(byte[] manifest) {
        try {
            return DeploymentManifest.parse(new String(manifest, StandardCharsets.UTF_8));
        } catch (ManifestException e) {
            throw new EflowException("invalid deployment manifest: " + e.getMessage());
        }
    }

    /** The deployment manifest last applied, as it was given. */
    public JsonNode deployment(String name) {
        JsonNode deployment = runtime.call(name, new AgentRequest.Show()).manifest();
        if (deployment == null) {
            throw EflowException.notFound("instance '" + instances.resolveName(name) + "' has no deployment: apply one with"
                    + " 'eflow deployment apply FILE'");
        }
        return deployment;
    }

    public Map<String, ModuleReport> modules(String name) {
        return runtime.call(name, new AgentRequest.ListModules()).modules();
    }

    /** @param newIdentity make the module's hub identity again first: a new key and generation id */
    public void restart(String name, String module, boolean newIdentity) {
        runtime.call(name, new AgentRequest.Restart(module, newIdentity));
    }

    /**
     * Passes the module's log lines (JSON lines: time, stream, text) to {@code out}; following, until the reader of
     * {@code out} goes away (see {@link RuntimeSocket#follow}).
     */
    public void logs(String name, String module, Integer tail, String since, boolean follow, OutputStream out) {
        AgentRequest.Logs request = new AgentRequest.Logs(module, tail, since, follow);
        if (follow) {
            runtime.follow(name, request, out);
        } else {
            runtime.stream(name, request, line -> {
                try {
                    out.write(Json.write(line));
                    out.write('\n');
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /**
     * Loads an OCI image-layout or docker-archive tarball: copied into the guest, loaded by the agent into its
     * image store (every blob checked against its digest), and the copy deleted.
     */
    public Reply.ImagesLoaded load(String name, Path file, String reference) {
        return load(name, file, reference, Progress.of(line -> { }));
    }

    /** As above, telling {@code progress} each step and the bytes copied into the guest. */
    public Reply.ImagesLoaded load(String name, Path file, String reference, Progress progress) {
        requireFile(file);
        String remote = LOAD_FOLDER + "/eflow-load-" + Long.toHexString(System.nanoTime()) + ".tar";
        String step;
        try {
            step = "copying " + file.getFileName() + " (" + (Files.size(file) >> 20) + " MiB) into the guest";
        } catch (IOException e) {
            throw EflowException.failure("cannot read " + file + ": " + e.getMessage(), e);
        }
        progress.accept(step);
        instances.upload(name, file, remote, progress, step);
        try {
            progress.accept("loading it into the guest's image store (each blob checked against its digest)");
            return runtime.call(name, new AgentRequest.Load(remote, reference));
        } finally {
            instances.stream(name, List.of("rm", "-f", remote), InputStream.nullInputStream(), OutputStream.nullOutputStream(), REMOVE_TIMEOUT);
        }
    }

    /** Checked before a load's answer starts streaming, so a wrong path is a plain error status. */
    public static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new EflowException(file + " is not a file on the host");
        }
    }

    /**
     * The guest's checks, plus what the host sees: the guest's clock against the host's, and what the host lends the
     * guest as the guest has it (each shared folder mounted, each serial port there, each endpoint up with an address, the
     * name servers it was given).
     */
    public List<Check> check(String name) {
        Instant before = Instant.now();
        List<Check> checks = runtime.call(name, new AgentRequest.Check()).checks();
        Instant after = Instant.now();
        List<Check> all = new ArrayList<>(checks.stream().map(check -> check.id().equals("clock") ? clock(check, before, after) : check)
                .toList());
        all.addAll(hostResources(name));
        return all;
    }

    private List<Check> hostResources(String name) {
        List<Check> checks = new ArrayList<>();
        InstanceConfig config = instances.config(name);
        for (SharedFolder share : config.shares()) {
            boolean mounted = inGuest(name, "mountpoint", "-q", share.guestPath());
            checks.add(new Check("share", "shared folder " + share.hostPath() + " at " + share.guestPath(), mounted ? "ok" : "error",
                    mounted ? (share.readOnly() ? "mounted read-only" : "mounted read-write")
                            : "not mounted: it was added after the guest started (eflow stop && eflow start), or the host folder is gone"));
        }
        for (SerialPort port : config.serialPorts()) {
            boolean there = inGuest(name, "test", "-c", "/dev/" + port.guestName());
            checks.add(new Check("serial", "serial port " + port.hostPath() + " as /dev/" + port.guestName(), there ? "ok" : "error",
                    there ? "present" : "missing: it was added after the guest started (eflow stop && eflow start)"));
        }
        if (!config.endpoints().isEmpty()) {
            for (EndpointView endpoint : instances.endpoints().list(name).endpoints().subList(1, config.endpoints().size() + 1)) {
                boolean up = "UP".equals(endpoint.state()) && !endpoint.addresses().isEmpty();
                checks.add(new Check("endpoint", "endpoint " + endpoint.name() + " (" + endpoint.guestInterface() + " on network "
                        + endpoint.network() + ", " + endpoint.configuration() + ")", up ? "ok" : "error", up
                        ? String.join(" ", endpoint.addresses())
                        : "link " + endpoint.state() + (endpoint.addresses().isEmpty() ? ", no address" : "") + ": added after the guest"
                                + " started (eflow stop && eflow start), or no DHCP answer on the network"));
            }
        }
        NameServerView servers = instances.hostResources().nameServers(name);
        boolean same = servers.servers().isEmpty() || servers.servers().equals(servers.inGuest());
        checks.add(new Check("dns", "name servers (" + servers.source() + ")", same ? "ok" : "warning", same
                ? String.join(" ", servers.inGuest())
                : "the guest uses " + String.join(" ", servers.inGuest()) + ", not " + String.join(" ", servers.servers())
                        + ": changed since the guest started (its /etc/resolv.conf, or the host's resolvers); a restart or eflow dns set"
                        + " puts them in line"));
        return checks;
    }

    private boolean inGuest(String name, String... command) {
        return instances.invoke(name, List.of(command), CHECK_TIMEOUT).exitCode() == 0;
    }

    private static Check clock(Check guestClock, Instant before, Instant after) {
        Instant guest = Instant.parse(guestClock.detail());
        Instant host = before.plus(Duration.between(before, after).dividedBy(2));
        long skew = Math.abs(Duration.between(host, guest).toMillis());
        return guestClock.withResult("guest clock agrees with the host's",
                skew <= Duration.between(before, after).toMillis() + 5_000 ? "ok" : "warning", "differs by " + skew + " ms");
    }
}
