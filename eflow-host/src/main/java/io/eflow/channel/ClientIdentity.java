package io.eflow.channel;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A key pair with the OpenSSH user certificate the install's CA issued for it: what eflow logs in to guests with.
 */
public record ClientIdentity(KeyPair keyPair, OpenSshCertificate certificate) {
    public ClientIdentity {
        if (!KeyUtils.compareKeys(certificate.getCertPubKey(), keyPair.getPublic())) {
            throw new IllegalArgumentException("the certificate was issued for another key");
        }
    }

    /** The pair MINA authenticates with: the certificate in the public slot makes it offer "…-cert-v01@openssh.com". */
    public KeyPair certifiedKeyPair() {
        return new KeyPair(certificate, keyPair.getPrivate());
    }

    public List<String> principals() {
        return List.copyOf(certificate.getPrincipals());
    }

    public Instant validAfter() {
        return Instant.ofEpochSecond(certificate.getValidAfter());
    }

    public Instant validBefore() {
        return Instant.ofEpochSecond(certificate.getValidBefore());
    }

    /** True when the certificate is expired, or will be within {@code margin}, at {@code now}. */
    public boolean expiresWithin(Duration margin, Instant now) {
        return !now.plus(margin).isBefore(validBefore());
    }

    public String certificateLine() {
        return SshKeys.publicKeyLine(certificate, certificate.getId());
    }

    /**
     * Writes {@code privateKeyFile} (0600) and {@code <privateKeyFile>-cert.pub} so that the OpenSSH client can use
     * the identity too: {@code ssh -i key -o CertificateFile=key-cert.pub}.
     */
    public void writeOpenSsh(Path privateKeyFile) {
        SshKeys.writePrivateKey(privateKeyFile, keyPair, certificate.getId());
        SshKeys.writePublicLine(certificateFile(privateKeyFile), certificateLine());
    }

    public static Path certificateFile(Path privateKeyFile) {
        return privateKeyFile.resolveSibling(privateKeyFile.getFileName() + "-cert.pub");
    }

    @Override
    public String toString() {
        return "ClientIdentity[id=" + certificate.getId() + ", principals=" + certificate.getPrincipals()
                + ", validBefore=" + validBefore() + "]";
    }
}
