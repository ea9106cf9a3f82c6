package io.eflow.contract.oci;

import java.util.ArrayList;
import java.util.List;

/** One entry of the spec's {@code mounts}, written by Jackson as it stands. */
public record OciMount(String destination, String type, String source, List<String> options) {
    public OciMount {
        options = List.copyOf(options);
    }

    public static OciMount of(String destination, String type, String source, String... options) {
        return new OciMount(destination, type, source, List.of(options));
    }

    /** A recursive bind mount that propagates nothing back to the host ({@code rprivate}). */
    public static OciMount bind(String destination, String source, boolean readOnly, String... more) {
        List<String> options = new ArrayList<>(List.of("rbind", "rprivate", readOnly ? "ro" : "rw"));
        options.addAll(List.of(more));
        return new OciMount(destination, "bind", source, options);
    }
}
