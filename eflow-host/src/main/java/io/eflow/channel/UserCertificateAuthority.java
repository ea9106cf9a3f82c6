package io.eflow.channel;

import io.eflow.platform.EflowException;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The per-install user CA. Guests trust it through {@code TrustedUserCAKeys}, so no guest ever holds a list of
 * client keys: eflow issues itself short-lived certificates instead.
 */
public final class UserCertificateAuthority {
    static final String KEY_FILE = "user_ca";
    static final String PUBLIC_FILE = "user_ca.pub";
    static final String COMMENT = "eflow-user-ca";
    /**
     * Slack for a guest clock that lags the host's: a VM paused while its host slept wakes up that far behind, and must
     * still admit the host, whose login is how its clock is set right (time-sync). A certificate is made at its first
     * use, so an earlier start admits nothing more; how long it lasts is what bounds it.
     */
    static final Duration BACKDATE = Duration.ofDays(7);
    /**
     * What the certificates allow. Port forwarding carries host↔module traffic and pty/user-rc serve interactive
     * `eflow ssh`; agent and X11 forwarding have no use on a management channel and are left out.
     */
    static final Map<String, String> EXTENSIONS = Map.of(
            "permit-port-forwarding", "",
            "permit-pty", "",
            "permit-user-rc", "");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair caKey;

    private UserCertificateAuthority(KeyPair caKey) {
        this.caKey = caKey;
    }

    /** Loads the CA from {@code caDir}, creating the directory (0700) and a fresh Ed25519 CA key on first use. */
    public static UserCertificateAuthority loadOrCreate(Path caDir) {
        try {
            Files.createDirectories(caDir);
            Files.setPosixFilePermissions(caDir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw EflowException.failure("cannot prepare the CA directory " + caDir + ": " + e.getMessage(), e);
        }
        Path keyFile = caDir.resolve(KEY_FILE);
        Path publicFile = caDir.resolve(PUBLIC_FILE);
        if (Files.exists(keyFile)) {
            UserCertificateAuthority ca = new UserCertificateAuthority(SshKeys.readPrivateKey(keyFile));
            if (!Files.exists(publicFile)) {
                SshKeys.writePublicLine(publicFile, ca.publicKeyLine());
            } else if (!KeyUtils.compareKeys(SshKeys.readPublicKey(publicFile), ca.publicKey())) {
                throw new EflowException(500, publicFile + " does not match " + keyFile
                        + "; restore the pair from a backup (guests trust the old CA), or remove both to start a new CA");
            }
            return ca;
        }
        UserCertificateAuthority ca = new UserCertificateAuthority(SshKeys.newEd25519());
        // private key first: it is the source of truth, the .pub is rebuilt from it when missing
        SshKeys.writePrivateKey(keyFile, ca.caKey, COMMENT);
        SshKeys.writePublicLine(publicFile, ca.publicKeyLine());
        return ca;
    }

    /**
     * Reads a CA from its private key alone, writing nothing (another process may be rotating the CA folder): the
     * public half is derived from the key, and a {@code .pub} beside it that says otherwise is refused.
     */
    static UserCertificateAuthority read(Path keyFile, Path publicFile) {
        UserCertificateAuthority ca = new UserCertificateAuthority(SshKeys.readPrivateKey(keyFile));
        if (Files.exists(publicFile) && !KeyUtils.compareKeys(SshKeys.readPublicKey(publicFile), ca.publicKey())) {
            throw new EflowException(500, publicFile + " does not match " + keyFile
                    + "; restore the pair from a backup (guests trust the old CA), or remove both to start a new CA");
        }
        return ca;
    }

    /** A new CA key, in memory only until {@link #write}. */
    static UserCertificateAuthority generate() {
        return new UserCertificateAuthority(SshKeys.newEd25519());
    }

    /** Writes the private key (0600), then the public line: each file atomically and synced. */
    void write(Path keyFile, Path publicFile) {
        SshKeys.writePrivateKey(keyFile, caKey, COMMENT);
        SshKeys.writePublicLine(publicFile, publicKeyLine());
    }

    public PublicKey publicKey() {
        return caKey.getPublic();
    }

    /** The key's SHA256 fingerprint, as {@code ssh-keygen -l} prints it. */
    public String fingerprint() {
        return KeyUtils.getFingerPrint(caKey.getPublic());
    }

    /** True when {@code other} is the same CA key. */
    boolean sameKey(UserCertificateAuthority other) {
        return other != null && KeyUtils.compareKeys(publicKey(), other.publicKey());
    }

    /** The line a guest puts in {@code /etc/ssh/eflow_user_ca.pub} (its TrustedUserCAKeys file). */
    public String publicKeyLine() {
        return SshKeys.publicKeyLine(caKey.getPublic(), COMMENT);
    }

    /** A fresh Ed25519 key pair with a user certificate for {@code principal}, valid from {@link #BACKDATE} ago until {@code validity} from now. */
    public ClientIdentity issue(String principal, Duration validity) {
        if (principal == null || principal.isBlank() || principal.contains(",")) {
            throw new EflowException("a certificate principal must be one user name, got '" + principal + "'");
        }
        if (validity.isNegative() || validity.isZero()) {
            throw new EflowException("a certificate needs a positive validity, got " + validity);
        }
        KeyPair key = SshKeys.newEd25519();
        Instant now = Instant.now();
        long serial = RANDOM.nextLong() & Long.MAX_VALUE;
        String keyId = "eflow:" + principal + ":" + serial;
        try {
            OpenSshCertificate certificate = OpenSshCertificateBuilder.userCertificate()
                    .publicKey(key.getPublic())
                    .serial(serial)
                    .id(keyId)
                    .principals(List.of(principal))
                    .validAfter(now.minus(BACKDATE))
                    .validBefore(now.plus(validity))
                    .extensions(EXTENSIONS)
                    .sign(caKey);
            return new ClientIdentity(key, certificate);
        } catch (Exception e) {
            throw EflowException.failure("cannot sign a user certificate for " + principal + ": " + e.getMessage(), e);
        }
    }
}
