package io.eflow.contract.manifest;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads modules: the user's, and the system modules edgeAgent and edgeHub, which the same fields describe. */
final class ModuleReader {
    // A module's name is also its container's host name: at most 63 characters (one DNS label), letters, digits and
    // '-', plus the '_' that IoT Edge allows; it starts with a letter or digit, as Docker's container names do.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");
    private static final Pattern ENV_NAME = Pattern.compile("[^=\\s]+");
    private static final Set<String> SYSTEM_MODULES = Set.of("edgeagent", "edgehub");

    private enum Status {
        RUNNING, STOPPED
    }

    private ModuleReader() {
    }

    static Map<String, EdgeModule> modules(Node node) {
        Map<String, EdgeModule> modules = new LinkedHashMap<>();
        Map<String, String> byHostName = new HashMap<>();
        node.members().forEach((name, module) -> {
            checkName(name, module);
            String other = byHostName.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
            if (other != null) {
                throw module.fail("differs from module " + other + " only in case, and host names ignore case");
            }
            modules.put(name, module(name, module));
        });
        return modules;
    }

    /** The agent runs itself: status, restart policy and startup order do not apply to it. */
    static EdgeModule edgeAgent(Node node) {
        Fields fields = node.fields();
        EdgeModule agent = container("edgeAgent", fields, true, RestartPolicy.ALWAYS, 0);
        fields.finish();
        return agent;
    }

    static EdgeModule edgeHub(Node node) {
        Fields fields = node.fields();
        String why = "every module talks through the hub";
        requireValue(fields, "status", Status.RUNNING, why);
        requireValue(fields, "restartPolicy", RestartPolicy.ALWAYS, why);
        EdgeModule hub = container("edgeHub", fields, true, RestartPolicy.ALWAYS, startupOrder(fields));
        fields.finish();
        return hub;
    }

    private static EdgeModule module(String name, Node node) {
        Fields fields = node.fields();
        boolean running = fields.required("status").oneOf(Status.class) == Status.RUNNING;
        RestartPolicy restartPolicy = fields.required("restartPolicy").oneOf(RestartPolicy.class);
        EdgeModule module = container(name, fields, running, restartPolicy, startupOrder(fields));
        fields.finish();
        return module;
    }

    private static EdgeModule container(String name, Fields fields, boolean running, RestartPolicy restartPolicy, long startupOrder) {
        ManifestReader.requireDocker(fields);
        String version = fields.text("version", "");
        ImagePullPolicy pullPolicy = fields.oneOf("imagePullPolicy", ImagePullPolicy.class, ImagePullPolicy.ON_CREATE);
        Map<String, String> env = fields.optional("env").map(ModuleReader::env).orElse(Map.of());
        Fields settings = fields.required("settings").fields();
        Node image = settings.required("image");
        ImageReference reference = image.parse(image.nonBlankText(), ImageReference::parse);
        CreateOptions createOptions = CreateOptionsReader.read(settings);
        settings.finish();
        return new EdgeModule(name, version, running, restartPolicy, startupOrder, pullPolicy, env, reference, createOptions);
    }

    private static void checkName(String name, Node module) {
        if (name.startsWith("$")) {
            throw module.fail("module names starting with '$' are reserved for IoT Edge's own twins");
        }
        if (SYSTEM_MODULES.contains(name.toLowerCase(Locale.ROOT))) {
            throw module.fail("is a system module's name; configure it under systemModules");
        }
        if (!NAME.matcher(name).matches()) {
            throw module.fail("module names are 1-63 letters, digits, '-' or '_', starting with a letter or digit"
                    + " (a module's name is also its host name)");
        }
    }

    private static long startupOrder(Fields fields) {
        return fields.integer("startupOrder", 0, EdgeModule.LAST, EdgeModule.LAST);
    }

    private static <E extends Enum<E>> void requireValue(Fields fields, String name, E expected, String why) {
        Node value = fields.required(name);
        if (value.oneOf(expected.getDeclaringClass()) != expected) {
            throw value.fail("must be " + Node.spelling(expected) + ": " + why);
        }
    }

    /** {"NAME": {"value": ...}}; IoT Edge takes numbers and booleans as their text. */
    private static Map<String, String> env(Node node) {
        Map<String, String> env = new LinkedHashMap<>();
        node.members().forEach((name, variable) -> {
            if (!ENV_NAME.matcher(name).matches()) {
                throw variable.fail("environment variable names must not be empty or hold '=' or whitespace");
            }
            Fields fields = variable.fields();
            Node value = fields.required("value");
            if (!value.json().isValueNode()) {
                throw value.fail("must be a string, number or true/false");
            }
            fields.finish();
            env.put(name, value.json().asText());
        });
        return env;
    }
}
