package io.eflow.contract.manifest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a module's createOptions: Docker's container-create options as an object, as a JSON string (the usual form),
 * or as a JSON string cut into createOptions, createOptions01, createOptions02, … (IoT Edge's form for values over
 * 512 characters), whose parts are joined in number order before parsing.
 */
final class CreateOptionsReader {
    private static final String NAME = "createOptions";
    private static final Pattern PART = Pattern.compile(NAME + "[0-9]+");

    private CreateOptionsReader() {
    }

    static CreateOptions read(Fields settings) {
        List<Node> parts = parts(settings);
        Optional<Node> first = settings.optional(NAME);
        if (first.isEmpty()) {
            if (!parts.isEmpty()) {
                throw parts.get(0).fail("continues createOptions, which is missing");
            }
            return CreateOptions.NONE;
        }
        Node options = first.get();
        if (options.json().isObject() && parts.isEmpty()) {
            return read(options.dockerDocument(options.json()));
        }
        if (!options.json().isTextual()) {
            throw options.fail("must be Docker's create options as an object or as a JSON string");
        }
        StringBuilder text = new StringBuilder(options.text());
        parts.forEach(part -> text.append(part.text()));
        return text.toString().isBlank() ? CreateOptions.NONE
                : read(options.dockerDocument(ManifestReader.parseJson(text.toString(), options.path())));
    }

    /** createOptions01, createOptions02, … in number order; a gap means a part was lost, so nothing is guessed. */
    private static List<Node> parts(Fields settings) {
        List<String> names = settings.names().stream().filter(name -> PART.matcher(name).matches())
                .sorted(Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder())).toList();
        List<Node> parts = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String expected = String.format("%s%02d", NAME, i + 1);
            Node part = settings.required(names.get(i));
            if (!names.get(i).equals(expected)) {
                throw part.fail("breaks the numbering of the createOptions parts: expected " + expected
                        + " (the parts are numbered 01, 02, … without gaps)");
            }
            parts.add(part);
        }
        return parts;
    }

    private static CreateOptions read(Node document) {
        Fields fields = document.fields();
        List<String> env = fields.optional("Env").map(CreateOptionsReader::env).orElse(List.of());
        List<String> cmd = fields.optional("Cmd").map(Node::textOrTexts).orElse(List.of());
        List<String> entrypoint = fields.optional("Entrypoint").map(Node::textOrTexts).orElse(List.of());
        String workingDir = fields.absolutePath("WorkingDir", "");
        String user = fields.text("User", "");
        Map<String, String> labels = fields.optional("Labels").map(labelMap -> labelMap.map(Node::text)).orElse(Map.of());
        Set<ContainerPort> exposedPorts = fields.optional("ExposedPorts").map(CreateOptionsReader::exposedPorts).orElse(Set.of());
        HostConfig hostConfig = fields.optional("HostConfig").map(HostConfigReader::read).orElse(HostConfig.NONE);
        HealthCheck healthcheck = fields.optional("Healthcheck").map(HealthCheckReader::read).orElse(HealthCheck.UNSET);
        fields.finish();
        return new CreateOptions(env, cmd, entrypoint, workingDir, user, labels, exposedPorts, hostConfig, healthcheck);
    }

    private static List<String> env(Node node) {
        return node.list(entry -> {
            String text = entry.text();
            if (text.isEmpty() || text.startsWith("=")) {
                throw entry.fail("must be NAME=value, not '" + text + "'");
            }
            return text;
        });
    }

    /** {"80/tcp": {}}: Docker's set of ports, written as an object with empty values. */
    private static Set<ContainerPort> exposedPorts(Node node) {
        Set<ContainerPort> ports = new LinkedHashSet<>();
        node.members().forEach((key, value) -> {
            ports.add(value.parse(key, ContainerPort::parse));
            value.fields().finish();
        });
        return ports;
    }
}
