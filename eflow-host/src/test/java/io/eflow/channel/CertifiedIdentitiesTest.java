package io.eflow.channel;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CertifiedIdentitiesTest {
    @TempDir
    Path tmp;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @Test
    void reusesACertificateUntilThreeQuartersOfItsLifeAreGone() {
        CertifiedIdentities identities = new CertifiedIdentities(
                UserCertificateAuthority.loadOrCreate(tmp.resolve("ca")), Duration.ofHours(4), clock);
        ClientIdentity first = identities.forPrincipal("iotedge-user");
        assertThat(first.principals()).containsExactly("iotedge-user");

        now.set(now.get().plus(Duration.ofHours(2)));
        assertThat(identities.forPrincipal("iotedge-user")).isSameAs(first);

        now.set(now.get().plus(Duration.ofMinutes(61)));
        ClientIdentity renewed = identities.forPrincipal("iotedge-user");
        assertThat(renewed).isNotSameAs(first);
        assertThat(renewed.certificate().getSerial()).isNotEqualTo(first.certificate().getSerial());
    }

    @Test
    void keepsOneCertificatePerLoginUser() {
        CertifiedIdentities identities = new CertifiedIdentities(
                UserCertificateAuthority.loadOrCreate(tmp.resolve("ca")), Duration.ofHours(1), clock);
        assertThat(identities.forPrincipal("a").principals()).containsExactly("a");
        assertThat(identities.forPrincipal("b").principals()).containsExactly("b");
        assertThat(identities.forPrincipal("a")).isSameAs(identities.forPrincipal("a"));
    }

    @Test
    void offersMinaTheCertifiedKeyForTheSessionUser() throws Exception {
        CertifiedIdentities identities = new CertifiedIdentities(
                UserCertificateAuthority.loadOrCreate(tmp.resolve("ca")), Duration.ofHours(1), clock);
        ClientSession session = (ClientSession) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ClientSession.class},
                (proxy, method, args) -> method.getName().equals("getUsername") ? "iotedge-user" : null);
        List<KeyPair> keys = new ArrayList<>();
        identities.loadKeys(session).forEach(keys::add);
        assertThat(keys).hasSize(1);
        assertThat(keys.get(0).getPublic()).isInstanceOf(OpenSshCertificate.class);
        assertThat(((OpenSshCertificate) keys.get(0).getPublic()).getPrincipals()).containsExactly("iotedge-user");
        assertThat(keys.get(0).getPrivate()).isSameAs(identities.forPrincipal("iotedge-user").keyPair().getPrivate());
    }

    @Test
    void aCertificateOfTheCaInUseIsIssuedAsSoonAsTheCaChanges() {
        AtomicReference<UserCertificateAuthority> ca = new AtomicReference<>(UserCertificateAuthority.loadOrCreate(tmp.resolve("ca")));
        CertifiedIdentities identities = new CertifiedIdentities(ca::get, Duration.ofHours(4), clock);
        ClientIdentity first = identities.forPrincipal("iotedge-user");
        assertThat(identities.forPrincipal("iotedge-user")).isSameAs(first);

        ca.set(UserCertificateAuthority.generate());
        ClientIdentity afterRotation = identities.forPrincipal("iotedge-user");
        assertThat(afterRotation).isNotSameAs(first);
        assertThat(afterRotation.certificate().getCaPubKey()).isEqualTo(ca.get().publicKey());
    }

    @Test
    void refusesUselesslyShortValidities() {
        UserCertificateAuthority ca = UserCertificateAuthority.loadOrCreate(tmp.resolve("ca"));
        assertThatThrownBy(() -> new CertifiedIdentities(ca, Duration.ofSeconds(5), clock))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
