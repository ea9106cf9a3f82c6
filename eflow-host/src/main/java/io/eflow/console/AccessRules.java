package io.eflow.console;

import java.util.Optional;
import java.util.Set;

/**
 * The role each call of the REST API needs over the remote API, by its method and route template. Reads are the
 * viewer's, but for those that carry secrets or reach into the host or the guest; the day's work is the operator's;
 * everything else, and any route not named here, is the admin's. A few calls are never served remotely: they name the
 * host's own files or run command lines in the daemon, which only makes sense on the host.
 */
final class AccessRules {
    private static final String INSTANCE = "/v1/instances/{name}";
    /** Reads that show secrets (a device identity's connection string) or host files, or run something. */
    private static final Set<String> ADMIN_READS = Set.of(
            "GET " + INSTANCE + "/hub/identities/{id}",
            "GET /v1/console/users",
            "GET " + INSTANCE + "/update/check");
    private static final Set<String> VIEWER_POSTS = Set.of(
            "POST /v1/console/logout",
            "POST /v1/console/tokens",
            "DELETE /v1/console/tokens/{token}");
    /** The applied manifest may hold registry credentials: those who may apply one may read it. */
    private static final Set<String> OPERATOR_CALLS = Set.of(
            "GET " + INSTANCE + "/deployment",
            "GET " + INSTANCE + "/logs/bundle",
            "POST " + INSTANCE + "/start",
            "POST " + INSTANCE + "/stop",
            "POST " + INSTANCE + "/modules/{module}/restart",
            "POST " + INSTANCE + "/modules/{module}/methods/{method}",
            "POST " + INSTANCE + "/deployment",
            "POST " + INSTANCE + "/forwards",
            "POST " + INSTANCE + "/forwards/remove",
            "POST " + INSTANCE + "/hub/publish");
    private static final Set<String> HOST_ONLY = Set.of(
            "POST /v1/cli",
            "POST " + INSTANCE + "/copy",
            "POST " + INSTANCE + "/logs",
            // a host folder or device handed to the guest is the host's to give: a read-write share of a host folder
            // is a way to root on the host
            "POST " + INSTANCE + "/shares",
            "POST " + INSTANCE + "/devices",
            "POST " + INSTANCE + "/connect",
            "POST " + INSTANCE + "/images/load",
            "GET /v1/console/settings",
            "POST /v1/console/enable",
            "POST /v1/console/disable");

    private AccessRules() {
    }

    /** The role the call needs; empty when it is not served remotely at all. */
    static Optional<ConsoleRole> required(String method, String template) {
        String call = method + " " + template;
        if (HOST_ONLY.contains(call)) {
            return Optional.empty();
        }
        if (OPERATOR_CALLS.contains(call)) {
            return Optional.of(ConsoleRole.OPERATOR);
        }
        boolean read = method.equals("GET") || method.equals("HEAD");
        if ((read && !ADMIN_READS.contains(call)) || VIEWER_POSTS.contains(call)) {
            return Optional.of(ConsoleRole.VIEWER);
        }
        return Optional.of(ConsoleRole.ADMIN);
    }
}
