package io.eflow.channel;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.session.SessionContext;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The identities the pool logs in with: one short-lived certificate per login user, issued by the install's CA on
 * first use and reissued once three quarters of its life are gone, so a login never races an expiry, or as soon as
 * the install's CA is another one (a rotation). Established sessions are not affected: sshd checks a certificate only
 * when it authenticates.
 */
final class CertifiedIdentities implements KeyIdentityProvider {
    private final Supplier<UserCertificateAuthority> ca;
    private final Duration validity;
    private final Duration renewMargin;
    private final Clock clock;
    private final Map<String, ClientIdentity> byPrincipal = new ConcurrentHashMap<>();

    CertifiedIdentities(UserCertificateAuthority ca, Duration validity) {
        this(ca, validity, Clock.systemUTC());
    }

    CertifiedIdentities(UserCertificateAuthority ca, Duration validity, Clock clock) {
        this(() -> ca, validity, clock);
    }

    /** @param ca the CA to sign with, asked at every login (the one in use may change) */
    CertifiedIdentities(Supplier<UserCertificateAuthority> ca, Duration validity, Clock clock) {
        if (validity.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("certificates should live at least a minute, got " + validity);
        }
        this.ca = ca;
        this.validity = validity;
        this.renewMargin = validity.dividedBy(4);
        this.clock = clock;
    }

    ClientIdentity forPrincipal(String principal) {
        Instant now = clock.instant();
        UserCertificateAuthority signer = ca.get();
        return byPrincipal.compute(principal, (name, current) ->
                current == null || current.expiresWithin(renewMargin, now)
                        || !KeyUtils.compareKeys(current.certificate().getCaPubKey(), signer.publicKey())
                        ? signer.issue(name, validity) : current);
    }

    /** MINA asks per session; the session's user name is the principal the certificate must carry. */
    @Override
    public Iterable<KeyPair> loadKeys(SessionContext session) {
        return List.of(forPrincipal(session.getUsername()).certifiedKeyPair());
    }
}
