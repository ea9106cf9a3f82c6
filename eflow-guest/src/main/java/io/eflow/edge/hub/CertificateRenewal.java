package io.eflow.edge.hub;

import io.eflow.edge.device.CertificateState;
import io.eflow.edge.hub.auth.EdgeCa;
import io.eflow.edge.hub.auth.IssuedCertificate;
import io.eflow.edge.hub.mqtt.TlsSettings;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps the hub's TLS identity current: the server certificate (90 days) is issued again once 80% of its life has
 * passed, and at once when the edge CA was renewed (its chain names the CA). The new certificate serves new
 * connections; connected clients keep theirs, so a renewal drops no one, where IoT Edge restarts edgeHub for it.
 *
 * <p>Checked every {@link #CHECK_EVERY} against the wall clock rather than timed once: a guest clock set forward (after
 * a suspend, or by NTP after a boot without RTC) renews within minutes instead of serving an expired certificate.
 */
final class CertificateRenewal implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CertificateRenewal.class.getName());
    static final Duration CHECK_EVERY = Duration.ofMinutes(10);

    private final EdgeCa ca;
    private final List<String> dnsNames;
    private final List<String> addresses;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "certificate-renewal");
        thread.setDaemon(true);
        return thread;
    });
    private volatile IssuedCertificate server;

    CertificateRenewal(EdgeCa ca, List<String> dnsNames, List<String> addresses, Clock clock) throws IOException {
        this.ca = ca;
        this.dnsNames = List.copyOf(dnsNames);
        this.addresses = List.copyOf(addresses);
        this.clock = clock;
        ca.renewIfDue(); // a guest that was off past the renewal time
        this.server = ca.serverCertificate(dnsNames, addresses);
    }

    /** The server certificate to listen with now. */
    TlsSettings tls() {
        return new TlsSettings(server.privateKey(), server.chain(), Optional.of(ca.certificate()));
    }

    /** Checks from now on, handing each renewed server certificate to {@code install}. */
    void start(Consumer<TlsSettings> install) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                renewDue().ifPresent(install);
            } catch (IOException | RuntimeException e) {
                // the current certificates stay in use; the next check tries again
                LOG.log(System.Logger.Level.WARNING, "renewing the hub's certificates failed: " + e.getMessage());
            }
        }, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Renews what is due.
     *
     * @return the server certificate to listen with, when it was renewed
     * @throws IOException when the renewed edge CA cannot be saved
     */
    synchronized Optional<TlsSettings> renewDue() throws IOException {
        boolean caRenewed = ca.renewIfDue();
        if (!caRenewed && clock.instant().isBefore(EdgeCa.renewalTime(server.leaf()))) {
            return Optional.empty();
        }
        server = ca.serverCertificate(dnsNames, addresses);
        LOG.log(System.Logger.Level.INFO, "the hub's server certificate was renewed" + (caRenewed ? " with the edge CA" : "")
                + "; it expires at " + server.leaf().getNotAfter().toInstant());
        return Optional.of(tls());
    }

    List<CertificateState> states() {
        return List.of(
                new CertificateState("edge CA", ca.certificate().getNotAfter().toInstant(), ca.renewsAt()),
                new CertificateState("hub server certificate", server.leaf().getNotAfter().toInstant(),
                        EdgeCa.renewalTime(server.leaf())));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
