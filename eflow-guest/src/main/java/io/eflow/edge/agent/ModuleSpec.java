package io.eflow.edge.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.manifest.ContainerPort;
import io.eflow.contract.manifest.CreateOptions;
import io.eflow.contract.manifest.EdgeModule;
import io.eflow.contract.manifest.HealthCheck;
import io.eflow.contract.manifest.HostConfig;
import io.eflow.contract.oci.Capabilities;
import io.eflow.contract.oci.Namespace;
import io.eflow.contract.oci.OciMount;
import io.eflow.contract.oci.User;
import io.eflow.edge.device.ModuleHub;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns one module of a deployment into the OCI runtime spec (config.json) that crun runs it with: the image's
 * defaults overridden by the module's createOptions with Docker's semantics, plus what IoT Edge gives every module
 * (its identity in the environment, the workload socket, name resolution of the other modules).
 */
public final class ModuleSpec {
    /** The workload API version and auth scheme IoT Edge 1.x modules' SDKs expect. */
    static final String API_VERSION = "2019-01-30";
    static final String AUTH_SCHEME = "sasToken";
    /**
     * The createOptions label that gives a module {@code EdgeHubConnectionString} (its key included) beside the
     * workload API: a compatibility choice for module code written against that variable alone.
     */
    public static final String CONNECTION_STRING_LABEL = "eflow.edgeHubConnectionString";
    static final long CPU_PERIOD = 100_000;
    static final long PIDS_LIMIT = 4096;

    /** Docker's defaults: kernel interfaces a container must not read (keys, kernel memory) or write. */
    static final List<String> MASKED_PATHS = List.of("/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware", "/sys/devices/virtual/powercap");
    static final List<String> READONLY_PATHS = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    private static final ObjectMapper JSON = Mappers.standard();

    private ModuleSpec() {
    }

    /**
     * @param image                the image's configuration as pulled from the registry
     * @param rootfs               the module's root: the overlay of the image's layers and a writable layer, mounted
     * @param gatewayHostName      the name modules reach the edge hub by
     * @param hostsFile            the deployment's hosts file, naming edgeHub and every module
     * @param netns                the network namespace of the deployment's module network (a bind-mounted nsfs file),
     *                             or null: the guest's own network
     * @param volumesRoot          where named volumes live, one folder per name
     * @param devices              reads a device node's numbers; {@link DeviceNode#stat} in the guest
     * @param generationId         IOTEDGE_MODULEGENERATIONID when no hub runs; the hub's identity gives it otherwise
     * @param hub                  what the module gets to reach its hub, when a hub runs: its workload API socket
     *                             (IOTEDGE_WORKLOADURI) and, if its deployment asks, a connection string
     */
    public record Inputs(EdgeModule module, ImageConfig image, Path rootfs, String deviceId, String iotHubHostName,
                         String gatewayHostName, String generationId, Path hostsFile, Path netns,
                         Path volumesRoot, CgroupMode cgroups, Function<Path, DeviceNode> devices,
                         Optional<ModuleHub.ModuleAccess> hub) {
        public Inputs {
            if (Arrays.asList(module, image, rootfs, deviceId, iotHubHostName, gatewayHostName, generationId, hostsFile,
                    volumesRoot, cgroups, devices, hub).contains(null)) {
                throw new NullPointerException("every input but netns is required");
            }
        }
    }

    /**
     * @param json      the config.json
     * @param published the ports to forward from the guest (HostConfig.PortBindings), in manifest order
     * @param exposed   the container ports the image and createOptions declare, bound or not
     * @param volumes   the volume folders the spec binds, which must exist before crun runs it
     * @param health    the module's health check: createOptions' over the image's, Docker's defaults filled in
     * @param probe     the process (JSON) that {@code crun exec} runs as the health check's test: the module's own
     *                  process (user, environment, working folder, capabilities) with the test's arguments; empty when
     *                  the module has no health check
     */
    public record Result(String json, List<PublishedPort> published, Set<ContainerPort> exposed, List<Path> volumes,
                         HealthCheck health, Optional<String> probe, ProcessUser user) {
        public Result {
            published = List.copyOf(published);
            exposed = Collections.unmodifiableSet(new LinkedHashSet<>(exposed));
            volumes = List.copyOf(volumes);
        }
    }

    /** @throws ModuleSpecException naming the module and what is wrong with it */
    public static Result render(Inputs in) {
        EdgeModule module = in.module();
        CreateOptions options = module.createOptions();
        HostConfig host = options.hostConfig();
        ModuleMounts mounts = ModuleMounts.of(in);

        ObjectNode spec = JSON.createObjectNode();
        spec.put("ociVersion", "1.0.2");
        List<String> capabilities = ModuleCapabilities.of(module.name(), host.privileged(), host.capAdd(), host.capDrop());
        ObjectNode process = spec.putObject("process");
        ProcessUser user = ProcessUser.resolve(module.name(), or(options.user(), in.image().user()), in.rootfs());
        process(process, in, user, capabilities);
        HealthCheck health = options.healthcheck().over(in.image().healthcheck()).withDefaults();
        Optional<String> probe = health.command().map(test -> {
            ObjectNode probeProcess = process.deepCopy();
            strings(probeProcess.putArray("args"), test);
            return write(probeProcess);
        });

        spec.putObject("root").put("path", in.rootfs().toString()).put("readonly", false);
        spec.put("hostname", module.name());
        spec.set("mounts", JSON.valueToTree(mounts.mounts()));
        Map<String, String> labels = new LinkedHashMap<>(in.image().labels());
        labels.putAll(options.labels());
        spec.set("annotations", JSON.valueToTree(labels));

        ObjectNode linux = spec.putObject("linux");
        linux.set("namespaces", JSON.valueToTree(namespaces(in.netns())));
        ObjectNode resources = linux.putObject("resources");
        List<OciMount> deviceBinds = ModuleDevices.write(module.name(), host, in.devices(), linux.putArray("devices"),
                resources.putArray("devices"));
        deviceBinds.forEach(bind -> ((ArrayNode) spec.get("mounts")).add(JSON.valueToTree(bind)));
        if (host.memory() > 0) {
            resources.putObject("memory").put("limit", host.memory());
        }
        if (host.nanoCpus() > 0) {
            // the kernel refuses a quota under 1 ms, which NanoCpus below 0.01 CPU would give
            long quota = Math.max(1000, host.nanoCpus() / (1_000_000_000L / CPU_PERIOD));
            resources.putObject("cpu").put("quota", quota).put("period", CPU_PERIOD);
        }
        resources.putObject("pids").put("limit", PIDS_LIMIT);
        if (!host.privileged()) {
            strings(linux.putArray("maskedPaths"), MASKED_PATHS);
            strings(linux.putArray("readonlyPaths"), READONLY_PATHS);
            linux.set("seccomp", JSON.valueToTree(ModuleSeccomp.profile(capabilities)));
        }
        return new Result(write(spec), published(host), exposed(in.image(), options), mounts.volumes(), health, probe, user);
    }

    private static void process(ObjectNode process, Inputs in, ProcessUser user, List<String> capabilities) {
        CreateOptions options = in.module().createOptions();
        process.put("terminal", false);
        process.set("user", JSON.valueToTree(new User(user.uid(), user.gid(), user.additionalGids())));
        strings(process.putArray("args"), args(in.module().name(), options, in.image()));
        strings(process.putArray("env"), env(in));
        process.put("cwd", or(or(options.workingDir(), in.image().workingDir()), "/"));
        process.set("capabilities", JSON.valueToTree(Capabilities.of(capabilities)));
        process.put("noNewPrivileges", !options.hostConfig().privileged());
    }

    /** Docker's rule: an Entrypoint of createOptions drops the image's Cmd too, unless createOptions also gives one. */
    static List<String> args(String module, CreateOptions options, ImageConfig image) {
        List<String> entrypoint = options.entrypoint().isEmpty() ? image.entrypoint() : options.entrypoint();
        List<String> cmd = !options.cmd().isEmpty() ? options.cmd() : options.entrypoint().isEmpty() ? image.cmd() : List.of();
        List<String> args = new ArrayList<>(entrypoint);
        args.addAll(cmd);
        if (args.isEmpty()) {
            throw new ModuleSpecException(module, "nothing to run: neither the image nor createOptions give an Entrypoint"
                    + " or Cmd (set createOptions.Cmd)");
        }
        return args;
    }

    private static List<String> env(Inputs in) {
        EdgeModule module = in.module();
        Map<String, String> edge = new LinkedHashMap<>();
        edge.put("IOTEDGE_MODULEID", module.name());
        edge.put("IOTEDGE_DEVICEID", in.deviceId());
        edge.put("IOTEDGE_IOTHUBHOSTNAME", in.iotHubHostName());
        edge.put("IOTEDGE_GATEWAYHOSTNAME", in.gatewayHostName());
        edge.put("IOTEDGE_MODULEGENERATIONID", in.hub().map(ModuleHub.ModuleAccess::generationId).orElse(in.generationId()));
        if (in.hub().isPresent()) {
            edge.put("IOTEDGE_WORKLOADURI", "unix://" + ModuleMounts.WORKLOAD_FOLDER + "/" + ModuleMounts.WORKLOAD_SOCKET);
        }
        edge.put("IOTEDGE_APIVERSION", API_VERSION);
        edge.put("IOTEDGE_AUTHSCHEME", AUTH_SCHEME);
        edge.put("RuntimeLogLevel", "info");
        // only for a deployment that asks (CONNECTION_STRING_LABEL): IoT Edge keeps keys out of environments, which
        // any process of the module, and `crun exec`, can read
        in.hub().flatMap(ModuleHub.ModuleAccess::connectionString).ifPresent(connectionString -> {
            edge.put("EdgeHubConnectionString", connectionString);
            edge.put("EdgeModuleCACertificateFile", ModuleMounts.EDGE_CA_FILE);
        });
        return new Environment().entries(in.image().env()).variables(edge).entries(module.createOptions().env())
                .variables(module.env()).toList();
    }

    private static List<PublishedPort> published(HostConfig host) {
        List<PublishedPort> ports = new ArrayList<>();
        host.portBindings().forEach((port, bindings) ->
                bindings.forEach(binding -> ports.add(new PublishedPort(binding.hostIp(), binding.hostPort(), port))));
        return ports;
    }

    private static Set<ContainerPort> exposed(ImageConfig image, CreateOptions options) {
        Set<ContainerPort> ports = new LinkedHashSet<>(image.exposedPorts());
        ports.addAll(options.exposedPorts());
        ports.addAll(options.hostConfig().portBindings().keySet());
        return ports;
    }

    /**
     * A module's own pid, ipc, uts, mount and cgroup namespaces, in the deployment's shared network, or in the
     * guest's own network when {@code network} is null.
     */
    static List<Namespace> namespaces(Path network) {
        List<Namespace> all = new ArrayList<>();
        for (String type : List.of("pid", "ipc", "uts", "mount", "cgroup")) {
            all.add(Namespace.fresh(type));
        }
        if (network != null) {
            all.add(Namespace.join("network", network.toString()));
        }
        return all;
    }

    private static String or(String given, String fallback) {
        return given.isEmpty() ? fallback : given;
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }

    private static String write(ObjectNode spec) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of plain nodes always serializes", e);
        }
    }
}
