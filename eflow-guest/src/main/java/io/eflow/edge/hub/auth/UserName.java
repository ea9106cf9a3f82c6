package io.eflow.edge.hub.auth;


import java.util.Arrays;
import java.util.Optional;

/**
 * An IoT Hub MQTT user name: {@code {hub}/{deviceId}/{moduleId}/?api-version=…} for a module,
 * {@code {hub}/{deviceId}/?api-version=…} for a device. The query is optional and ignored.
 */
record UserName(String hostName, ClientId identity) {
    private static final String FORMS = "{hub}/{deviceId}/?api-version=… or {hub}/{deviceId}/{moduleId}/?api-version=…";

    static UserName parse(String userName) throws AuthenticationException {
        if (userName == null || userName.isEmpty()) {
            throw AuthenticationException.badCredentials("no user name: IoT Hub clients send " + FORMS);
        }
        // The SDKs put the query after "/?". Ids may hold '?' but never '/', so a bare '?' starts the query only
        // when there is no "/?".
        int query = userName.indexOf("/?");
        if (query < 0) {
            query = userName.indexOf('?');
        }
        String path = query < 0 ? userName : userName.substring(0, query);
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String[] parts = path.split("/", -1);
        if (parts.length < 2 || parts.length > 3 || Arrays.stream(parts).anyMatch(String::isEmpty)) {
            throw AuthenticationException.badCredentials("user name '" + userName + "' is not " + FORMS);
        }
        return new UserName(parts[0], new ClientId(parts[1],
                parts.length == 3 ? Optional.of(parts[2]) : Optional.empty()));
    }
}
