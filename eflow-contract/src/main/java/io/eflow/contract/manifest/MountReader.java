package io.eflow.contract.manifest;

import java.util.Set;
import java.util.regex.Pattern;

/** Reads Binds ("source:target[:options]") and Mounts ({Type, Source, Target, ReadOnly}) into the same {@link Mount}. */
final class MountReader {
    private static final Pattern VOLUME_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");
    // Docker's other bind options (SELinux relabelling, propagation, copy-on-first-use, macOS consistency): valid,
    // but eflow does not apply them.
    private static final Set<String> IGNORED_OPTIONS = Set.of("z", "Z", "shared", "rshared", "slave", "rslave", "private",
            "rprivate", "nocopy", "consistent", "cached", "delegated");

    private MountReader() {
    }

    static Mount bind(Node node) {
        String text = node.nonBlankText();
        String[] parts = text.split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw node.fail("must be source:target[:options], such as /data:/data:ro, not '" + text + "'");
        }
        Mount.Type type = bindType(node, parts[0]);
        if (!parts[1].startsWith("/")) {
            throw node.fail("the container path must be absolute, not '" + parts[1] + "'");
        }
        boolean readOnly = false;
        for (String option : parts.length == 3 ? parts[2].split(",", -1) : new String[0]) {
            if (option.equals("ro") || option.equals("rw")) {
                readOnly = option.equals("ro");
            } else if (IGNORED_OPTIONS.contains(option)) {
                node.warn("mount option '" + option + "' ignored");
            } else {
                throw node.fail("unknown mount option '" + option + "' (ro, rw, …)");
            }
        }
        return new Mount(type, parts[0], parts[1], readOnly);
    }

    static Mount mount(Node node) {
        Fields fields = node.fields();
        Mount.Type type = fields.required("Type").oneOf(Mount.Type.class);
        String source = switch (type) {
            case BIND -> fields.required("Source").absolutePath();
            case VOLUME -> fields.optional("Source").map(MountReader::volumeName).orElse("");
            case TMPFS -> {
                if (!fields.text("Source", "").isEmpty()) {
                    throw fields.required("Source").fail("a tmpfs mount has no source");
                }
                yield "";
            }
        };
        String target = fields.required("Target").absolutePath();
        boolean readOnly = fields.bool("ReadOnly");
        fields.finish();
        return new Mount(type, source, target, readOnly);
    }

    private static Mount.Type bindType(Node node, String source) {
        if (source.startsWith("/")) {
            return Mount.Type.BIND;
        }
        if (VOLUME_NAME.matcher(source).matches()) {
            return Mount.Type.VOLUME;
        }
        throw node.fail("the source must be an absolute guest path or a volume name, not '" + source + "'");
    }

    private static String volumeName(Node source) {
        String name = source.text();
        if (!name.isEmpty() && !VOLUME_NAME.matcher(name).matches()) {
            throw source.fail("must be a volume name: letters, digits, '_', '.' or '-', not '" + name + "'");
        }
        return name;
    }
}
