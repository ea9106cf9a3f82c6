package io.eflow.edge.agent;

import java.util.ArrayList;
import java.util.List;

/** One entry of the OCI spec's {@code mounts}, written by Jackson as it stands. */
record OciMount(String destination, String type, String source, List<String> options) {
    OciMount {
        options = List.copyOf(options);
    }

    static OciMount bind(String destination, String source, boolean readOnly, String... more) {
        List<String> options = new ArrayList<>(List.of("rbind", "rprivate", readOnly ? "ro" : "rw"));
        options.addAll(List.of(more));
        return new OciMount(destination, "bind", source, options);
    }
}
