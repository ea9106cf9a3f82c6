package io.eflow.edge.agent;

import io.eflow.contract.wire.Check;
import io.eflow.edge.device.CertificateState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class AgentChecksTest {
    private static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");

    @Test
    void aCertificateBeforeItsRenewalIsFineAndSaysWhenItExpires() {
        Check check = AgentChecks.certificate(new CertificateState("hub server certificate", NOW.plus(Duration.ofDays(40)),
                NOW.plus(Duration.ofDays(22))), NOW);

        assertThat(check.id()).isEqualTo("certificate-hub-server-certificate");
        assertThat(check.status()).isEqualTo("ok");
        assertThat(check.detail()).contains("in 40 days").contains("renews from 2026-06-23");
    }

    @Test
    void aRenewalThatDidNotHappenWarnsWhileThereIsTimeLeft() {
        Check late = AgentChecks.certificate(new CertificateState("edge CA", NOW.plus(Duration.ofDays(10)),
                NOW.minus(Duration.ofDays(2))), NOW);
        Check justDue = AgentChecks.certificate(new CertificateState("edge CA", NOW.plus(Duration.ofDays(10)),
                NOW.minus(Duration.ofHours(1))), NOW);

        assertThat(late.status()).isEqualTo("warning");
        assertThat(late.detail()).contains("in 10 days").contains("not renewed yet");
        assertThat(justDue.status()).as("the hub checks every ten minutes").isEqualTo("ok");
    }

    @Test
    void anExpiredCertificateIsAnError() {
        Check check = AgentChecks.certificate(new CertificateState("edge CA", NOW, NOW.minus(Duration.ofDays(20))), NOW);

        assertThat(check.status()).isEqualTo("error");
        assertThat(check.detail()).startsWith("expired at 2026-06-01T00:00:00Z");
    }
}
