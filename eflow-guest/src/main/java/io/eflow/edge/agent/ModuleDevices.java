package io.eflow.edge.agent;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.eflow.contract.manifest.Device;
import io.eflow.contract.manifest.HostConfig;
import io.eflow.contract.oci.OciMount;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /** Unix98 pseudo-terminal slaves (/dev/pts/N): majors 136 to 143. */
    private static final long PTS_FIRST_MAJOR = 136;
    private static final long PTS_LAST_MAJOR = 143;

    /** One linux.resources.devices entry; a null number matches any. */
    private record DeviceRule(String type, Long major, Long minor, String access) {
    }

    private ModuleDevices() {
    }

    /**
     * Writes the device nodes to create and the cgroup rules; returns the devices that must be bound in instead: a
     * pseudo-terminal works only through its own devpts inode (a node made with mknod opens nothing), and one is what
     * the namespace backend passes a guest for a serial port made with socat.
     */
    static List<OciMount> write(String module, HostConfig host, Function<Path, DeviceNode> resolver, ArrayNode devices,
                                ArrayNode rules) {
        List<OciMount> binds = new ArrayList<>();
        if (host.privileged()) {
            rules.addObject().put("allow", true).put("type", "a").put("access", "rwm");
        } else {
            rules.addObject().put("allow", false).put("access", "rwm");
            DEFAULT_ALLOWED.forEach(rule -> rule(rules, rule));
        }
        for (Device device : host.devices()) {
            DeviceNode node = node(module, device, resolver);
            if (node.type() == 'c' && node.major() >= PTS_FIRST_MAJOR && node.major() <= PTS_LAST_MAJOR) {
                binds.add(OciMount.bind(device.pathInContainer(), device.pathOnHost(), false, "nosuid", "noexec"));
            } else {
                devices.addObject().put("path", device.pathInContainer()).put("type", String.valueOf(node.type()))
                    .put("major", node.major()).put("minor", node.minor()).put("fileMode", 0666).put("uid", 0).put("gid", 0);
            }
            if (!host.privileged()) {
                rule(rules, new DeviceRule(String.valueOf(node.type()), node.major(), node.minor(), device.cgroupPermissions()));
            }
        }
        return binds;
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
