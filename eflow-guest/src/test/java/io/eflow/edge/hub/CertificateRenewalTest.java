package io.eflow.edge.hub;

import io.eflow.contract.iothub.ConnectionString;
import io.eflow.contract.iothub.SasToken;
import io.eflow.edge.device.CertificateState;
import io.eflow.edge.device.DeviceIdentity;
import io.eflow.edge.hub.mqtt.PahoClient;
import io.eflow.edge.hub.store.StoreConfig;
import io.eflow.edge.testing.TestClock;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hub's certificates renew ahead of expiry while clients stay connected. Time is the hub's test clock; the TLS
 * clients here check the server's chain at that same time, as clients whose clock agrees with the guest's.
 */
class CertificateRenewalTest {
    private static final DeviceIdentity DEVICE = new DeviceIdentity("dev1", "dev1.local", "dev1");

    @TempDir
    Path dir;
    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    private HubService service;
    private final List<PahoClient> clients = new ArrayList<>();
    private final List<X509Certificate> served = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
        service = HubService.start(new HubService.Settings(dir.resolve("hub"), loopback, loopback, loopback,
                StoreConfig.in(dir.resolve("hub").resolve("store"))), DEVICE, clock);
    }

    @AfterEach
    void stop() throws Exception {
        for (PahoClient client : clients) {
            client.close();
        }
        service.close();
    }

    @Test
    void theServerCertificateRenewsAtEightyPercentOfNinetyDaysWithoutDroppingAClient() throws Exception {
        PahoClient before = connect("early", service.caCertificatePem());
        X509Certificate first = served.get(0);
        assertThat(Duration.between(clock.instant(), first.getNotAfter().toInstant())).isEqualTo(Duration.ofDays(90));

        clock.advance(Duration.ofDays(71));
        assertThat(service.renewCertificates()).as("72 days is 80%").isFalse();
        clock.advance(Duration.ofDays(2));
        assertThat(service.renewCertificates()).isTrue();

        before.publish("devices/dev1/modules/early/messages/events/", "still here", 1).waitForCompletion(10_000);
        assertThat(before.lost).isNotDone();
        connect("late", service.caCertificatePem());
        X509Certificate second = served.get(served.size() - 1);
        assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
        assertThat(Duration.between(clock.instant(), second.getNotAfter().toInstant())).isEqualTo(Duration.ofDays(90));
        assertThat(service.certificates()).extracting(CertificateState::name).containsExactly("edge CA", "hub server certificate");
        assertThat(service.certificates().get(1).renewsAt()).isAfter(clock.instant());
    }

    @Test
    void anEdgeCaRenewalKeepsClientsConnectedAndTheOldCertificateStillTrusted() throws Exception {
        String issuedAtStart = service.caCertificatePem();
        CertificateState ca = service.certificates().get(0);
        clock.advance(Duration.between(clock.instant(), ca.renewsAt()).minusDays(30));
        assertThat(service.renewCertificates()).as("the server certificate's own renewal").isTrue();
        PahoClient before = connect("early", issuedAtStart);

        clock.advance(Duration.ofDays(30));
        assertThat(service.renewCertificates()).isTrue();

        before.publish("devices/dev1/modules/early/messages/events/", "still here", 1).waitForCompletion(10_000);
        assertThat(before.lost).isNotDone();
        CertificateState renewed = service.certificates().get(0);
        assertThat(renewed.notAfter()).isAfter(ca.notAfter());
        assertThat(renewed.renewsAt()).isAfter(clock.instant());
        String bundle = service.caCertificatePem();
        assertThat(certificates(bundle)).hasSize(2).contains(certificates(issuedAtStart).get(0));
        connect("withTheOldFile", issuedAtStart);
        connect("withTheBundle", bundle);
        assertThat(served.get(served.size() - 1).getIssuerX500Principal()).isEqualTo(certificates(bundle).get(0).getSubjectX500Principal());
    }

    private PahoClient connect(String name, String trustedPem) throws Exception {
        ConnectionString identity = ConnectionString.parse(service.addHostIdentity(name).connectionString());
        String clientId = "dev1/" + name;
        // signed for the hub's clock, which runs years ahead of this machine's in these tests
        String token = SasToken.sign(identity.resource(), identity.sharedAccessKey(), clock.instant().plus(Duration.ofDays(30)),
                Optional.empty()).toString();
        MqttConnectOptions options = PahoClient.options(clientId, token);
        options.setUserName("dev1.local/" + clientId + "/?api-version=2018-06-30");
        options.setSocketFactory(trustingAtHubTime(trustedPem));
        PahoClient client = PahoClient.connect("ssl://127.0.0.1:" + service.tlsPort(), clientId, options);
        clients.add(client);
        return client;
    }

    /** PKIX against the given certificates at the hub's time; records each server certificate it is shown. */
    private SSLSocketFactory trustingAtHubTime(String pem) throws Exception {
        Set<TrustAnchor> anchors = certificates(pem).stream().map(ca -> new TrustAnchor(ca, null)).collect(Collectors.toSet());
        X509TrustManager manager = new X509TrustManager() {
            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                served.add(chain[0]);
                try {
                    PKIXParameters parameters = new PKIXParameters(anchors);
                    parameters.setRevocationEnabled(false);
                    parameters.setDate(Date.from(clock.instant()));
                    CertPathValidator.getInstance("PKIX").validate(
                            CertificateFactory.getInstance("X.509").generateCertPath(List.of(chain[0])), parameters);
                } catch (GeneralSecurityException e) {
                    throw new CertificateException(e.getMessage(), e);
                }
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("a client only");
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {manager}, null);
        return context.getSocketFactory();
    }

    private static List<X509Certificate> certificates(String pem) throws CertificateException {
        return CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).stream()
                .map(X509Certificate.class::cast).toList();
    }
}
