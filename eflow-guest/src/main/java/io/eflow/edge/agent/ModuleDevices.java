package io.eflow.edge.agent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.eflow.contract.manifest.Device;
import io.eflow.contract.manifest.HostConfig;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/** The device nodes a module gets (HostConfig.Devices) and the device cgroup rules that let it use them. */
final class ModuleDevices {
    /** Docker's default allow list: mknod of any node, and the nodes every process expects (null, tty, pts, …). */
    private static final List<DeviceRule> DEFAULT_ALLOWED = List.of(
            new DeviceRule("c", null, null, "m"), new DeviceRule("b", null, null, "m"),
            new DeviceRule("c", 1L, 3L, "rwm"), new DeviceRule("c", 1L, 5L, "rwm"), new DeviceRule("c", 1L, 7L, "rwm"),
            new DeviceRule("c", 1L, 8L, "rwm"), new DeviceRule("c", 1L, 9L, "rwm"), new DeviceRule("c", 5L, 0L, "rwm"),
            new DeviceRule("c", 5L, 1L, "rwm"), new DeviceRule("c", 5L, 2L, "rwm"), new DeviceRule("c", 136L, null, "rwm"));

    /** One linux.resources.devices entry; a null number matches any. */
    private record DeviceRule(String type, Long major, Long minor, String access) {
    }

    private ModuleDevices() {
    }

    static void write(String module, HostConfig host, Function<Path, DeviceNode> resolver, ArrayNode devices, ArrayNode rules) {
        if (host.privileged()) {
            rules.addObject().put("allow", true).put("type", "a").put("access", "rwm");
        } else {
            rules.addObject().put("allow", false).put("access", "rwm");
            DEFAULT_ALLOWED.forEach(rule -> rule(rules, rule));
        }
        for (Device device : host.devices()) {
            DeviceNode node = node(module, device, resolver);
            devices.addObject().put("path", device.pathInContainer()).put("type", String.valueOf(node.type()))
                    .put("major", node.major()).put("minor", node.minor()).put("fileMode", 0666).put("uid", 0).put("gid", 0);
            if (!host.privileged()) {
                rule(rules, new DeviceRule(String.valueOf(node.type()), node.major(), node.minor(), device.cgroupPermissions()));
            }
        }
    }

    private static DeviceNode node(String module, Device device, Function<Path, DeviceNode> resolver) {
        try {
            return resolver.apply(Path.of(device.pathOnHost()));
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw new ModuleSpecException(module, "device " + device.pathOnHost() + " cannot be given to the module: "
                    + e.getMessage());
        }
    }

    private static void rule(ArrayNode rules, DeviceRule rule) {
        var node = rules.addObject().put("allow", true).put("type", rule.type());
        if (rule.major() != null) {
            node.put("major", rule.major());
        }
        if (rule.minor() != null) {
            node.put("minor", rule.minor());
        }
        node.put("access", rule.access());
    }
}
