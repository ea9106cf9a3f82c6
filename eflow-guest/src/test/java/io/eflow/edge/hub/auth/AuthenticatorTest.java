package io.eflow.edge.hub.auth;

import io.eflow.contract.iothub.ConnectionString;
import io.eflow.contract.iothub.SasToken;
import io.eflow.edge.testing.TestClock;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuthenticatorTest {
    private static final String HUB = "myhub.azure-devices.net";
    private static final String GATEWAY = "gateway.local";
    private static final String API = "/?api-version=2021-04-12";
    private static final ClientId DEVICE = ClientId.device("d1");
    private static final ClientId FILTER = ClientId.module("d1", "filter");
    private static final ClientId SENSOR = ClientId.module("d1", "sensor");

    @TempDir
    Path temp;
    private final TestClock clock = new TestClock(Instant.parse("2025-03-01T10:00:00Z"));
    private Identities identities;
    private EdgeCa ca;
    private Authenticator authenticator;

    @BeforeEach
    void setUp() throws IOException {
        identities = Identities.open(temp.resolve("identities"), "d1", clock);
        identities.ensureModules("d1", Set.of("filter", "sensor"));
        ca = EdgeCa.open(temp.resolve("ca"), "d1", clock);
        authenticator = new Authenticator(identities, ca, HUB, GATEWAY);
    }

    @Test
    void aModuleWithAGoodTokenIsIn() throws AuthenticationException {
        assertThat(authenticate(FILTER, HUB + "/d1/filter" + API, token(FILTER))).isEqualTo(FILTER);
    }

    @Test
    void theUserNameMayComeWithoutQueryOrTrailingSlashAndNameTheGateway() throws AuthenticationException {
        for (String userName : List.of(HUB + "/d1/filter/", HUB + "/d1/filter", HUB + "/d1/filter?api-version=1",
                GATEWAY + "/d1/filter" + API, "MyHub.Azure-Devices.NET/d1/filter" + API,
                HUB + "/d1/filter/?api-version=2021-04-12&DeviceClientType=iothubclient%2F1.0")) {
            assertThat(authenticate(FILTER, userName, token(FILTER))).as(userName).isEqualTo(FILTER);
        }
    }

    @Test
    void theTokenMayNameTheGatewayOrEscapeTheIds() throws AuthenticationException, IOException {
        String key = key(FILTER);
        Instant expiry = clock.instant().plus(Duration.ofHours(1));
        for (String resource : List.of(GATEWAY + "/devices/d1/modules/filter", "MYHUB.azure-devices.net/devices/d1/modules/filter")) {
            String token = SasToken.sign(resource, key, expiry, Optional.empty()).toString();
            assertThat(authenticate(FILTER, HUB + "/d1/filter" + API, token)).as(resource).isEqualTo(FILTER);
        }

        identities.ensureModules("d1", Set.of("filter", "sensor", "a:b"));
        ClientId odd = ClientId.module("d1", "a:b");
        String escaped = HUB + "/devices/d1/modules/" + URLEncoder.encode("a:b", StandardCharsets.UTF_8);
        String token = SasToken.sign(escaped, key(odd), expiry, Optional.empty()).toString();
        assertThat(authenticate(odd, HUB + "/d1/a:b" + API, token)).isEqualTo(odd);
    }

    @Test
    void aTokenSignedWithAnotherKeyIsRefused() throws IOException {
        String otherKey = key(SENSOR);
        SasToken forged = SasToken.sign(HUB + "/devices/d1/modules/filter", otherKey,
                clock.instant().plus(Duration.ofHours(1)), Optional.empty());

        refused(FILTER, HUB + "/d1/filter" + API, forged.toString()).hasMessageContaining("wrong key")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(otherKey, key(FILTER), forged.signature()));
    }

    @Test
    void aTokenSignedBeforeARotationIsRefused() throws IOException {
        String old = token(FILTER);
        identities.rotate(FILTER);

        refused(FILTER, HUB + "/d1/filter" + API, old).hasMessageContaining("wrong key");
    }

    @Test
    void anExpiredTokenIsRefused() throws IOException {
        String token = token(FILTER);
        clock.advance(Duration.ofHours(1));

        refused(FILTER, HUB + "/d1/filter" + API, token).hasMessageContaining("token expired");
    }

    @Test
    void anotherModulesTokenIsRefused() throws IOException {
        refused(FILTER, HUB + "/d1/filter" + API, token(SENSOR)).hasMessageContaining("token for another identity")
                .hasMessageContaining("d1/modules/sensor");
        // the right key, but a token for the device rather than the module
        String deviceScoped = SasToken.sign(HUB + "/devices/d1", key(FILTER), clock.instant().plusSeconds(60),
                Optional.empty()).toString();
        refused(FILTER, HUB + "/d1/filter" + API, deviceScoped).hasMessageContaining("token for another identity");
        String otherHub = SasToken.sign("other.azure-devices.net/devices/d1/modules/filter", key(FILTER),
                clock.instant().plusSeconds(60), Optional.empty()).toString();
        refused(FILTER, HUB + "/d1/filter" + API, otherHub).hasMessageContaining("token for another identity");
    }

    @Test
    void theClientIdMustBeTheUserNamesIdentity() throws IOException {
        Credentials credentials = new Credentials("d1/sensor", HUB + "/d1/filter" + API, Optional.of(token(FILTER)), List.of());

        assertRefused(credentials, false).hasMessageContaining("client id 'd1/sensor'");
        assertRefused(new Credentials("d1", HUB + "/d1/filter" + API, Optional.of(token(FILTER)), List.of()), false);
    }

    @Test
    void anUnknownIdentityIsNotAuthorized() {
        String token = SasToken.sign(HUB + "/devices/d1/modules/ghost", key(FILTER), clock.instant().plusSeconds(60),
                Optional.empty()).toString();

        assertRefused(new Credentials("d1/ghost", HUB + "/d1/ghost" + API, Optional.of(token), List.of()), true)
                .hasMessageContaining("no identity 'd1/ghost'");
    }

    @Test
    void aRemovedModuleIsNotAuthorized() throws IOException {
        String token = token(FILTER);
        identities.ensureModules("d1", Set.of("sensor"));

        assertRefused(new Credentials("d1/filter", HUB + "/d1/filter" + API, Optional.of(token), List.of()), true);
    }

    @Test
    void theDeviceLogsInWithItsOwnToken() throws AuthenticationException {
        assertThat(authenticate(DEVICE, HUB + "/d1" + API, token(DEVICE))).isEqualTo(DEVICE);
        assertThat(authenticate(DEVICE, HUB + "/d1", token(DEVICE))).isEqualTo(DEVICE);
    }

    @Test
    void aHostApplicationLogsInWithItsConnectionString() throws IOException, AuthenticationException {
        ClientId app = identities.addHost("app").clientIdentity();
        ConnectionString connection = identities.connectionString(app, HUB, GATEWAY);
        String token = SasToken.sign(connection.resource(), connection.sharedAccessKey(),
                clock.instant().plus(Duration.ofHours(1)), Optional.empty()).toString();

        assertThat(authenticate(app, connection.hostName() + "/d1/app" + API, token)).isEqualTo(app);
    }

    @Test
    void malformedUserNamesAreBadCredentials() {
        assertRefused(new Credentials("d1/filter", "", Optional.of(token(FILTER)), List.of()), false)
                .hasMessageContaining("no user name");
        for (String userName : new String[] {"myhub.azure-devices.net", HUB + "/", HUB + "//filter", "/d1/filter",
                HUB + "/d1/filter/extra" + API, HUB + "/d1//" + API}) {
            assertRefused(new Credentials("d1/filter", userName, Optional.of(token(FILTER)), List.of()), false)
                    .hasMessageContaining("user name '" + userName + "'");
        }
    }

    @Test
    void aUserNameForAnotherHubIsRefused() {
        refused(FILTER, "other.azure-devices.net/d1/filter" + API, token(FILTER))
                .hasMessageContaining("'other.azure-devices.net' is neither this device's IoT Hub");
    }

    @Test
    void aPasswordThatIsNoTokenIsRefusedWithoutBeingQuoted() {
        refused(FILTER, HUB + "/d1/filter" + API, "hunter2-secret").hasMessageContaining("not a SAS token")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
        refused(FILTER, HUB + "/d1/filter" + API, "SharedAccessSignature sr=x&sigsecret")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("sigsecret"));
    }

    @Test
    void aClientCertificateFromTheEdgeCaLogsIn() throws IOException, AuthenticationException {
        X509Certificate certificate = ca.issueClient(FILTER, temp.resolve("filter")).certificate();

        Credentials credentials = new Credentials("d1/filter", HUB + "/d1/filter" + API, Optional.empty(),
                List.of(certificate, ca.certificate()));
        assertThat(authenticator.authenticate(credentials, clock.instant())).isEqualTo(FILTER);
        Credentials emptyPassword = new Credentials("d1/filter", HUB + "/d1/filter" + API, Optional.of(""), List.of(certificate));
        assertThat(authenticator.authenticate(emptyPassword, clock.instant())).isEqualTo(FILTER);
    }

    @Test
    void anotherIdentitysCertificateIsRefused() throws IOException {
        X509Certificate sensor = ca.issueClient(SENSOR, temp.resolve("sensor")).certificate();

        assertRefused(new Credentials("d1/filter", HUB + "/d1/filter" + API, Optional.empty(), List.of(sensor)), false)
                .hasMessageContaining("is for 'd1/sensor', the user name for 'd1/filter'");
    }

    @Test
    void certificatesTheCaRefusesAreBadCredentials() throws IOException {
        X509Certificate certificate = ca.issueClient(FILTER, temp.resolve("filter")).certificate();
        X509Certificate foreign = EdgeCa.open(temp.resolve("other-ca"), "d1", clock)
                .issueClient(FILTER, temp.resolve("foreign")).certificate();
        Credentials fromElsewhere = new Credentials("d1/filter", HUB + "/d1/filter" + API, Optional.empty(), List.of(foreign));
        assertRefused(fromElsewhere, false).hasMessageContaining("not issued by this device's edge CA");

        clock.advance(Duration.ofDays(366));
        Credentials expired = new Credentials("d1/filter", HUB + "/d1/filter" + API, Optional.empty(), List.of(certificate));
        assertRefused(expired, false).hasMessageContaining("expired");
    }

    @Test
    void aRotationRetiresCertificatesIssuedBeforeIt() throws IOException, AuthenticationException {
        X509Certificate before = ca.issueClient(FILTER, temp.resolve("before")).certificate();
        clock.advance(Duration.ofMinutes(1));
        identities.rotate(FILTER);

        assertRefused(new Credentials("d1/filter", HUB + "/d1/filter" + API, Optional.empty(), List.of(before)), false)
                .hasMessageContaining("issued before the identity's key last changed");

        X509Certificate after = ca.issueClient(FILTER, temp.resolve("after")).certificate();
        Credentials fresh = new Credentials("d1/filter", HUB + "/d1/filter" + API, Optional.empty(), List.of(after));
        assertThat(authenticator.authenticate(fresh, clock.instant())).isEqualTo(FILTER);
    }

    @Test
    void offeringNothingIsRefused() {
        assertRefused(new Credentials("d1/filter", HUB + "/d1/filter" + API, Optional.empty(), List.of()), false)
                .hasMessageContaining("neither a SAS token as password nor a client certificate");
        assertRefused(new Credentials("d1/filter", HUB + "/d1/filter" + API, Optional.of(" "), List.of()), false)
                .hasMessageContaining("neither");
    }

    private ClientId authenticate(ClientId id, String userName, String password) throws AuthenticationException {
        return authenticator.authenticate(new Credentials(id.toString(), userName, Optional.of(password), List.of()),
                clock.instant());
    }

    private AbstractThrowableAssert<?, ?> refused(ClientId id, String userName, String password) {
        return assertRefused(new Credentials(id.toString(), userName, Optional.of(password), List.of()), false);
    }

    private AbstractThrowableAssert<?, ?> assertRefused(Credentials credentials, boolean notAuthorized) {
        return assertThatThrownBy(() -> authenticator.authenticate(credentials, clock.instant()))
                .isInstanceOfSatisfying(AuthenticationException.class,
                        e -> assertThat(e.notAuthorized()).as("not authorized").isEqualTo(notAuthorized));
    }

    /** The identity's own token, valid an hour, as its SDK would make it. */
    private String token(ClientId id) {
        String resource = HUB + "/devices/" + id.deviceId() + id.moduleId().map(m -> "/modules/" + m).orElse("");
        return SasToken.sign(resource, key(id), clock.instant().plus(Duration.ofHours(1)), Optional.empty()).toString();
    }

    private String key(ClientId id) {
        return identities.find(id).orElseThrow().key();
    }
}
