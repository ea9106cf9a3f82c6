package io.eflow.edge.hub.upstream;

import io.eflow.contract.iothub.ConnectionString;
import io.eflow.contract.iothub.SasToken;
import io.eflow.contract.iothub.SigningKey;
import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.MessageSource;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;

/**
 * Where the edge hub sends what its routes put {@code INTO $upstream}, read from the one string the operator gives.
 *
 * <h2>IoT Hub: a device connection string</h2>
 * {@code HostName=myhub.azure-devices.net;DeviceId=edge-1;SharedAccessKey=<base64>[;GatewayHostName=parent]}
 * <ul>
 *   <li>MQTT 3.1.1 over TLS to {@code mqtts://{HostName}:8883}, or to {@code GatewayHostName} when the device sits
 *       below a parent edge device (the parent's hub answers for IoT Hub); the JVM's trusted CAs check the server.</li>
 *   <li>client id {@code DeviceId}; username {@code {HostName}/{DeviceId}/?api-version=2021-04-12}; password a SAS
 *       token for {@code {HostName}/devices/{DeviceId}} signed with the key, valid {@link IotHub#tokenLifetime}
 *       (1 hour), renewed by reconnecting once 85% of that has passed.</li>
 *   <li>events on {@code devices/{DeviceId}/messages/events/{property bag}}; the device twin's desired properties are
 *       read at each connect and followed as they change.</li>
 *   <li>A {@code ModuleId} is refused: the upstream speaks for the device.</li>
 * </ul>
 * {@link #iotHub(ConnectionString, URI, Optional)} connects the same identity elsewhere: another endpoint
 * ({@code mqtt://127.0.0.1:1883}, {@code mqtts://host:8883}) and the trust for its certificate.
 *
 * <h2>Any MQTT 3.1.1 broker: a URI</h2>
 * {@code mqtt://[user[:password]@]host[:port]} (port 1883) or {@code mqtts://[user[:password]@]host[:port][?ca=/path/ca.pem]}
 * (port 8883; {@code ca} names a PEM file of the CAs to trust instead of the JVM's). User and password are
 * percent-encoded as in any URI. The device id is given separately: it is the client id and names the topics,
 * laid out as IoT Hub's ({@code devices/{deviceId}/messages/events/{property bag}}). Brokers have no twin.
 */
public sealed interface UpstreamSettings {
    /** The IoT Hub MQTT API version the username announces. */
    String API_VERSION = "2021-04-12";
    Duration DEFAULT_TOKEN_LIFETIME = Duration.ofHours(1);

    /** Where the link connects: {@code mqtt://host:port} or {@code mqtts://host:port}, without any secret. */
    URI endpoint();

    /** The device whose events these are: the client id and the topic prefix. */
    String deviceId();

    /** The TLS to use for an {@code mqtts} endpoint; empty for the JVM's default trust (and for {@code mqtt}). */
    Optional<SSLSocketFactory> tls();

    /** What to present in CONNECT, made fresh for each connection. */
    Login login(Instant now);

    /** Whether the endpoint keeps a device twin whose desired properties the link follows. */
    boolean twin();

    /**
     * Which of the link's identities sends {@code message}: each has a connection of its own. One identity ("")
     * for a device's link; for an edge device's, the module that sent it.
     */
    default String identityOf(HubMessage message) {
        return "";
    }

    /**
     * The identities connected whether or not they have anything to send, because IoT Hub sends them something (the
     * direct methods of an edge device's modules); none for a device's link.
     */
    default Set<String> eagerIdentities() {
        return Set.of();
    }

    /** What an identity other than the first subscribes to on its connection. */
    default List<String> subscriptions(String identity) {
        return List.of();
    }

    /** Whether the eager identities have twins IoT Hub keeps, synchronized over their connections. */
    default boolean moduleTwins() {
        return false;
    }

    /**
     * The identity whose connection receives the device's cloud-to-device messages, when one of the link's
     * connections does (it is then one of the eager identities, and has no module twin); empty for none.
     */
    default Optional<String> cloudToDeviceIdentity() {
        return Optional.empty();
    }

    /** The identity connected first: the one that holds the link's subscriptions. */
    default String firstIdentity() {
        return "";
    }

    /** The CONNECT of one of the link's identities, made fresh for each connection. */
    default Login login(String identity, Instant now) {
        return login(now);
    }

    /** Where {@code identity} publishes {@code message}. */
    default String topic(String identity, HubMessage message) {
        return Topics.events(deviceId(), message);
    }

    /**
     * The largest message the endpoint takes (body and topic), when it says: IoT Hub drops the connection of a device
     * that sends more, so such a message would be sent again and again.
     */
    OptionalInt maxMessageBytes();

    /**
     * A CONNECT's identity.
     *
     * @param renewAt when to reconnect with a fresh login, for logins that expire
     */
    record Login(String clientId, Optional<String> username, Optional<String> password, Optional<Instant> renewAt,
                 Optional<SSLSocketFactory> clientTls) {
        public Login(String clientId, Optional<String> username, Optional<String> password, Optional<Instant> renewAt) {
            this(clientId, username, password, renewAt, Optional.empty());
        }

        @Override
        public String toString() {
            return "Login[clientId=" + clientId + ", username=" + username.orElse("") + ", renewAt=" + renewAt + "]";
        }
    }

    /**
     * IoT Hub's CONNECT for an identity: client id, user name {@code {identity path}/?api-version=…}, a SAS token for
     * {@code resource} valid {@code lifetime}, renewed once 85% of it has passed.
     */
    private static Login sasLogin(String clientId, String identityPath, String resource, String key, Instant now,
                                  Duration lifetime) {
        SasToken token = SasToken.sign(resource, key, now.plus(lifetime), Optional.empty());
        return new Login(clientId, Optional.of(identityPath + "/?api-version=" + API_VERSION), Optional.of(token.toString()),
                Optional.of(now.plus(lifetime.multipliedBy(85).dividedBy(100))));
    }

    /** A device's own CONNECT to IoT Hub, signed with the device's key. */
    private static Login deviceLogin(String hostName, String deviceId, String key, Instant now, Duration lifetime) {
        return sasLogin(deviceId, hostName + "/" + deviceId, hostName + "/devices/" + deviceId, key, now, lifetime);
    }

    /**
     * How an edge device itself proves who it is to IoT Hub: a SAS token signed with its key (which may be held in the
     * TPM), or its X.509 certificate in the TLS handshake (then its CONNECT has no password).
     */
    sealed interface DeviceCredential {
        record Key(SigningKey key) implements DeviceCredential {
        }

        /** @param tls TLS that presents the device's certificate and trusts the hub's */
        record Certificate(SSLSocketFactory tls) implements DeviceCredential {
        }

        default Login login(String hostName, String deviceId, Instant now, Duration lifetime) {
            String username = hostName + "/" + deviceId + "/?api-version=" + API_VERSION;
            if (this instanceof Certificate certificate) {
                return new Login(deviceId, Optional.of(username), Optional.empty(), Optional.empty(),
                        Optional.of(certificate.tls()));
            }
            SasToken token = SasToken.sign(hostName + "/devices/" + deviceId, ((Key) this).key(), now.plus(lifetime), Optional.empty());
            return new Login(deviceId, Optional.of(username), Optional.of(token.toString()),
                    Optional.of(now.plus(lifetime.multipliedBy(85).dividedBy(100))));
        }
    }

    /**
     * Reads what the operator gave: a connection string or a broker URI.
     *
     * @param deviceId this device's id: required for a broker; for IoT Hub, when given, it must be the
     *                 connection string's
     * @throws IllegalArgumentException saying what is wrong and what was expected
     */
    static UpstreamSettings parse(String text, Optional<String> deviceId) {
        String given = Objects.requireNonNull(text, "text").strip();
        if (given.startsWith("mqtt://") || given.startsWith("mqtts://")) {
            URI uri;
            try {
                uri = new URI(given);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("upstream URI is malformed: " + e.getMessage());
            }
            return broker(uri, deviceId.orElseThrow(() -> new IllegalArgumentException(
                    "an MQTT broker upstream needs this device's id: it names the client and the topics")));
        }
        if (given.contains("HostName=")) {
            ConnectionString connection = ConnectionString.parse(given);
            deviceId.filter(id -> !id.equals(connection.deviceId())).ifPresent(id -> {
                throw new IllegalArgumentException("the upstream connection string is for device '"
                        + connection.deviceId() + "', but this device is '" + id + "'");
            });
            return iotHub(connection);
        }
        throw new IllegalArgumentException("upstream must be an IoT Hub device connection string "
                + "(HostName=…;DeviceId=…;SharedAccessKey=…) or a broker URI (mqtt://host:port, mqtts://host:port)");
    }

    /** IoT Hub itself, or the parent edge device the connection string's {@code GatewayHostName} names. */
    static IotHub iotHub(ConnectionString connection) {
        String host = connection.gatewayHostName().orElse(connection.hostName());
        return iotHub(connection, URI.create("mqtts://" + host + ":8883"), Optional.empty());
    }

    /** The connection string's identity at another endpoint, with the TLS that trusts its certificate. */
    static IotHub iotHub(ConnectionString connection, URI endpoint, Optional<SSLSocketFactory> tls) {
        if (connection.moduleId().isPresent()) {
            throw new IllegalArgumentException("the upstream connects as the device: give the device's connection "
                    + "string, without ModuleId");
        }
        return new IotHub(connection.hostName(), connection.deviceId(), connection.sharedAccessKey(),
                Endpoints.check(endpoint, tls), tls, DEFAULT_TOKEN_LIFETIME);
    }

    /** A broker, its user and password taken from the URI, its CAs from {@code ?ca=} or the JVM's. */
    static Broker broker(URI uri, String deviceId) {
        return broker(uri, deviceId, Optional.empty());
    }

    /** A broker whose certificate {@code tls} checks (when empty: the URI's {@code ?ca=}, else the JVM's CAs). */
    static Broker broker(URI uri, String deviceId, Optional<SSLSocketFactory> tls) {
        if (uri.getRawQuery() != null && "mqtts".equals(uri.getScheme())) {
            if (tls.isPresent()) {
                throw new IllegalArgumentException("give the broker's CA either as ?ca= or as TLS settings, not both");
            }
            tls = Endpoints.caFile(uri).map(Path::of).map(TrustedCertificates::socketFactory);
        }
        Optional<String> username = Optional.empty();
        Optional<String> password = Optional.empty();
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            username = Optional.of(decode(colon < 0 ? userInfo : userInfo.substring(0, colon))).filter(u -> !u.isEmpty());
            password = colon < 0 ? Optional.empty() : Optional.of(decode(userInfo.substring(colon + 1)));
        }
        return new Broker(Endpoints.check(uri, tls), deviceId, username, password, tls);
    }

    private static String decode(String part) {
        return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /**
     * IoT Hub, or anything that speaks for it (a parent edge device, a test broker).
     *
     * @param hostName        the hub's name: it goes in the username and the token's resource whatever the endpoint
     * @param sharedAccessKey the device's base64 key
     * @param tokenLifetime   how long each SAS token is valid
     */
    record IotHub(String hostName, String deviceId, String sharedAccessKey, URI endpoint,
                  Optional<SSLSocketFactory> tls, Duration tokenLifetime) implements UpstreamSettings {
        public IotHub {
            Objects.requireNonNull(hostName, "hostName");
            Objects.requireNonNull(deviceId, "deviceId");
            Objects.requireNonNull(sharedAccessKey, "sharedAccessKey");
            Endpoints.check(endpoint, tls);
            if (tokenLifetime.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("token lifetime must be at least a second: " + tokenLifetime);
            }
            // sign once now so a key that is not base64 is refused when the settings are read, not at each connect
            SasToken.sign(hostName, sharedAccessKey, Instant.EPOCH, Optional.empty());
        }

        public IotHub withTokenLifetime(Duration lifetime) {
            return new IotHub(hostName, deviceId, sharedAccessKey, endpoint, tls, lifetime);
        }

        @Override
        public Login login(Instant now) {
            return deviceLogin(hostName, deviceId, sharedAccessKey, now, tokenLifetime);
        }

        @Override
        public boolean twin() {
            return true;
        }

        /** IoT Hub's device-to-cloud limit. */
        @Override
        public OptionalInt maxMessageBytes() {
            return OptionalInt.of(256 * 1024);
        }

        @Override
        public String toString() {
            return "IotHub[" + hostName + ", device " + deviceId + ", at " + endpoint + "]";
        }
    }

    /**
     * IoT Hub for a provisioned IoT Edge device: each module's messages go as that module, on a connection of its
     * own signed with the module's key ({@code moduleKey}), on {@code devices/{d}/modules/{m}/messages/events/};
     * messages of no deployed module (host applications, leaf devices) go as {@code $edgeHub}, which IoT Edge's hub is.
     * The {@code $edgeHub} connection, opened first, also follows {@code $edgeHub}'s twin: IoT Hub takes one connection
     * per identity, so the edge hub's is the only one {@code $edgeHub} has. One more connection, as the device itself
     * ({@link #DEVICE}, signed with {@code deviceKey}), receives the device's cloud-to-device messages: IoT Hub sends
     * them to no module identity.
     *
     * @param device    how the device itself proves who it is
     * @param modules   the deployed modules, which have identities in IoT Hub; asked for each message, so cheap
     */
    record IotHubModules(String hostName, String deviceId, DeviceCredential device, ModuleKeys moduleKey,
                         Supplier<Set<String>> modules, URI endpoint, Optional<SSLSocketFactory> tls,
                         Duration tokenLifetime) implements UpstreamSettings {
        public static final String EDGE_HUB = "$edgeHub";
        /** The device's own identity among the link's: no module id is empty. */
        public static final String DEVICE = "";

        /** The key of a module identity of this device. */
        @FunctionalInterface
        public interface ModuleKeys {
            String of(String moduleId);
        }

        /** A device whose key is given in base64. */
        public IotHubModules(String hostName, String deviceId, String deviceKey, ModuleKeys moduleKey,
                             Supplier<Set<String>> modules, URI endpoint, Optional<SSLSocketFactory> tls, Duration tokenLifetime) {
            this(hostName, deviceId, new DeviceCredential.Key(SigningKey.base64(deviceKey)), moduleKey, modules, endpoint,
                    tls, tokenLifetime);
        }

        public IotHubModules {
            Objects.requireNonNull(hostName, "hostName");
            Objects.requireNonNull(deviceId, "deviceId");
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(moduleKey, "moduleKey");
            Objects.requireNonNull(modules, "modules");
            Endpoints.check(endpoint, tls);
        }

        @Override
        public String firstIdentity() {
            return EDGE_HUB;
        }

        /**
         * Every deployed module (IoT Hub's direct methods and twin changes for it come on its connection) and the
         * device (its cloud-to-device messages).
         */
        @Override
        public Set<String> eagerIdentities() {
            Set<String> eager = new HashSet<>(modules.get());
            eager.add(DEVICE);
            return eager;
        }

        @Override
        public List<String> subscriptions(String identity) {
            if (identity.equals(DEVICE)) {
                return List.of(Topics.devicebound(deviceId) + "#");
            }
            return List.of(Topics.METHOD_CALLS + "#", Topics.TWIN_RESPONSES + "#", Topics.TWIN_DESIRED_PATCHES + "#");
        }

        @Override
        public Optional<String> cloudToDeviceIdentity() {
            return Optional.of(DEVICE);
        }

        /** Each deployed module's twin: desired from IoT Hub, reported from the module. */
        @Override
        public boolean moduleTwins() {
            return true;
        }

        @Override
        public String identityOf(HubMessage message) {
            return message.source() instanceof MessageSource.Module module && modules.get().contains(module.moduleId())
                    ? module.moduleId() : EDGE_HUB;
        }

        @Override
        public Login login(Instant now) {
            return login(EDGE_HUB, now);
        }

        @Override
        public Login login(String identity, Instant now) {
            if (identity.equals(DEVICE)) {
                return device.login(hostName, deviceId, now, tokenLifetime);
            }
            return sasLogin(deviceId + "/" + identity, hostName + "/" + deviceId + "/" + identity,
                    hostName + "/devices/" + deviceId + "/modules/" + identity, moduleKey.of(identity), now, tokenLifetime);
        }

        @Override
        public String topic(String identity, HubMessage message) {
            return Topics.moduleEvents(deviceId, identity, message);
        }

        /** {@code $edgeHub}'s own twin: its desired properties are the routes of the deployment. */
        @Override
        public boolean twin() {
            return true;
        }

        @Override
        public OptionalInt maxMessageBytes() {
            return OptionalInt.of(256 * 1024);
        }

        @Override
        public String toString() {
            return "IotHubModules[" + hostName + ", device " + deviceId + ", at " + endpoint + "]";
        }
    }

    /** Any MQTT 3.1.1 broker. */
    record Broker(URI endpoint, String deviceId, Optional<String> username, Optional<String> password,
                  Optional<SSLSocketFactory> tls) implements UpstreamSettings {
        public Broker {
            endpoint = Endpoints.check(endpoint, tls);
            if (Objects.requireNonNull(deviceId, "deviceId").isEmpty()) {
                throw new IllegalArgumentException("an MQTT broker upstream needs this device's id");
            }
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
            if (password.isPresent() && username.isEmpty()) {
                throw new IllegalArgumentException("MQTT 3.1.1 has no password without a user name");
            }
        }

        @Override
        public Login login(Instant now) {
            return new Login(deviceId, username, password, Optional.empty());
        }

        @Override
        public boolean twin() {
            return false;
        }

        /** A broker's limit is its own configuration's; one that refuses a message drops the connection. */
        @Override
        public OptionalInt maxMessageBytes() {
            return OptionalInt.empty();
        }

        @Override
        public String toString() {
            return "Broker[" + endpoint + ", device " + deviceId + username.map(u -> ", user " + u).orElse("") + "]";
        }
    }
}
