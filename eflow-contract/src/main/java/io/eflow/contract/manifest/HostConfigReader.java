package io.eflow.contract.manifest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads createOptions.HostConfig: mounts, published ports, devices, privileges and limits. */
final class HostConfigReader {
    private static final Pattern CAPABILITY = Pattern.compile("[A-Za-z_]+");
    private static final Pattern HOST_PORT = Pattern.compile("[0-9]{1,5}");
    private static final Pattern CGROUP_PERMISSIONS = Pattern.compile("[rwm]{1,3}");

    private HostConfigReader() {
    }

    static HostConfig read(Node node) {
        Fields fields = node.fields();
        List<Mount> binds = fields.optional("Binds").map(list -> list.list(MountReader::bind)).orElse(List.of());
        List<Mount> mounts = fields.optional("Mounts").map(list -> list.list(MountReader::mount)).orElse(List.of());
        Map<ContainerPort, List<PortBinding>> portBindings =
                fields.optional("PortBindings").map(HostConfigReader::portBindings).orElse(Map.of());
        List<Device> devices = fields.optional("Devices").map(list -> list.list(HostConfigReader::device)).orElse(List.of());
        boolean privileged = fields.bool("Privileged");
        List<String> capAdd = fields.optional("CapAdd").map(HostConfigReader::capabilities).orElse(List.of());
        List<String> capDrop = fields.optional("CapDrop").map(HostConfigReader::capabilities).orElse(List.of());
        long memory = fields.integer("Memory", 0, Long.MAX_VALUE, 0);
        long nanoCpus = fields.integer("NanoCpus", 0, Long.MAX_VALUE, 0);
        fields.finish();
        return new HostConfig(binds, mounts, portBindings, devices, privileged, capAdd, capDrop, memory, nanoCpus);
    }

    private static Map<ContainerPort, List<PortBinding>> portBindings(Node node) {
        Map<ContainerPort, List<PortBinding>> bindings = new LinkedHashMap<>();
        node.members().forEach((key, value) ->
                bindings.put(value.parse(key, ContainerPort::parse), value.list(HostConfigReader::portBinding)));
        return bindings;
    }

    /** Docker writes the host port as a string; an empty one lets the runtime choose. */
    private static PortBinding portBinding(Node node) {
        Fields fields = node.fields();
        String hostIp = fields.text("HostIp", "");
        int hostPort = fields.optional("HostPort").map(port -> {
            String text = port.text();
            if (text.isEmpty()) {
                return 0;
            }
            if (!HOST_PORT.matcher(text).matches() || Integer.parseInt(text) > 65535) {
                throw port.fail("must be a port from 0 to 65535 written as a string, such as \"8080\", not '" + text + "'");
            }
            return Integer.parseInt(text);
        }).orElse(0);
        fields.finish();
        return new PortBinding(hostIp, hostPort);
    }

    private static Device device(Node node) {
        Fields fields = node.fields();
        String pathOnHost = fields.required("PathOnHost").absolutePath();
        String pathInContainer = fields.absolutePath("PathInContainer", pathOnHost);
        String permissions = fields.text("CgroupPermissions", "");
        if (!permissions.isEmpty() && !CGROUP_PERMISSIONS.matcher(permissions).matches()) {
            throw fields.required("CgroupPermissions").fail("must be some of r, w and m, such as \"rwm\", not '" + permissions + "'");
        }
        fields.finish();
        return new Device(pathOnHost, pathInContainer, permissions.isEmpty() ? "rwm" : permissions);
    }

    private static List<String> capabilities(Node node) {
        return node.list(capability -> {
            if (!CAPABILITY.matcher(capability.text()).matches()) {
                throw capability.fail("must be a capability name such as NET_ADMIN or CAP_NET_ADMIN, or ALL");
            }
            return capability.text();
        });
    }
}
