package io.eflow.edge.agent;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.nio.file.Path;
import java.util.List;

/** One entry of linux.namespaces: a new namespace, or the one at {@code path} joined. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Namespace(String type, String path) {

    /**
     * A module's own pid, ipc, uts, mount and cgroup namespaces, in the deployment's shared network, or in the
     * guest's own network when {@code network} is null.
     */
    static List<Namespace> all(Path network) {
        List<Namespace> own = List.of(new Namespace("pid", null), new Namespace("ipc", null), new Namespace("uts", null),
                new Namespace("mount", null), new Namespace("cgroup", null));
        if (network == null) {
            return own;
        }
        List<Namespace> all = new java.util.ArrayList<>(own);
        all.add(new Namespace("network", network.toString()));
        return List.copyOf(all);
    }
}
