package io.eflow.channel;

import io.eflow.platform.EflowException;
import io.eflow.platform.Exec;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static io.eflow.channel.KeyFileAssertions.assertMode;
import static io.eflow.channel.KeyFileAssertions.assertSameKeyPair;
import static io.eflow.channel.KeyFileAssertions.sshKeygenFingerprint;
import static io.eflow.channel.KeyFileAssertions.sshKeygenPublicFromPrivate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class UserCertificateAuthorityTest {
    @TempDir
    Path tmp;

    @Test
    void createsTheCaWithPrivateFilesAndReloadsTheSameKey() throws Exception {
        Path dir = tmp.resolve("ca");
        UserCertificateAuthority created = UserCertificateAuthority.loadOrCreate(dir);

        assertMode(dir, "rwx------");
        assertMode(dir.resolve("user_ca"), "rw-------");
        List<String> pub = Files.readAllLines(dir.resolve("user_ca.pub"));
        assertThat(pub).hasSize(1);
        assertThat(pub.get(0)).startsWith("ssh-ed25519 AAAA").isEqualTo(created.publicKeyLine());
        assertThat(sshKeygenFingerprint(dir.resolve("user_ca"))).isEqualTo(sshKeygenFingerprint(dir.resolve("user_ca.pub")))
                .isEqualTo(KeyUtils.getFingerPrint(created.publicKey()));

        UserCertificateAuthority reloaded = UserCertificateAuthority.loadOrCreate(dir);
        assertThat(reloaded.publicKeyLine()).isEqualTo(created.publicKeyLine());
    }

    @Test
    void rebuildsAMissingPublicFileAndRefusesAMismatchedOne() throws Exception {
        Path dir = tmp.resolve("ca");
        String line = UserCertificateAuthority.loadOrCreate(dir).publicKeyLine();
        Files.delete(dir.resolve("user_ca.pub"));
        UserCertificateAuthority.loadOrCreate(dir);
        assertThat(Files.readString(dir.resolve("user_ca.pub")).strip()).isEqualTo(line);

        Files.writeString(dir.resolve("user_ca.pub"), GuestHostKey.generate().publicKeyLine() + "\n");
        assertThatThrownBy(() -> UserCertificateAuthority.loadOrCreate(dir))
                .isInstanceOf(EflowException.class)
                .hasMessageContaining("does not match");
    }

    @Test
    void issuesACertificateForThePrincipalWithTheRequestedValidity() {
        UserCertificateAuthority ca = UserCertificateAuthority.loadOrCreate(tmp.resolve("ca"));
        Instant before = Instant.now();
        ClientIdentity identity = ca.issue("iotedge-user", Duration.ofHours(2));
        OpenSshCertificate cert = identity.certificate();

        assertThat(cert.getType()).isEqualTo(OpenSshCertificate.Type.USER);
        assertThat(cert.getPrincipals()).containsExactly("iotedge-user");
        assertThat(identity.principals()).containsExactly("iotedge-user");
        assertThat(cert.getId()).contains("iotedge-user");
        assertThat(identity.validAfter()).isCloseTo(before.minus(Duration.ofDays(7)), within(3, ChronoUnit.SECONDS));
        assertThat(identity.validBefore()).isCloseTo(before.plus(Duration.ofHours(2)), within(3, ChronoUnit.SECONDS));
        assertThat(cert.getExtensionsMap()).containsKeys("permit-pty", "permit-port-forwarding")
                .doesNotContainKeys("permit-agent-forwarding", "permit-X11-forwarding");
        assertThat(cert.getCriticalOptions()).isEmpty();
        assertThat(KeyUtils.compareKeys(cert.getCaPubKey(), ca.publicKey())).isTrue();
        assertThat(KeyUtils.compareKeys(cert.getCertPubKey(), identity.keyPair().getPublic())).isTrue();
        assertThat(identity.expiresWithin(Duration.ofMinutes(30), Instant.now())).isFalse();
        assertThat(identity.expiresWithin(Duration.ofHours(3), Instant.now())).isTrue();

        ClientIdentity second = ca.issue("iotedge-user", Duration.ofHours(2));
        assertThat(second.certificate().getSerial()).isNotEqualTo(cert.getSerial());
        assertThat(KeyUtils.compareKeys(second.keyPair().getPublic(), identity.keyPair().getPublic())).isFalse();
    }

    /** Checks the signature with Bouncy Castle directly on the wire encoding, independently of MINA's decoder. */
    @Test
    void certificateIsSignedByTheCaKey() throws Exception {
        UserCertificateAuthority ca = UserCertificateAuthority.loadOrCreate(tmp.resolve("ca"));
        ClientIdentity identity = ca.issue("iotedge-user", Duration.ofHours(1));
        byte[] blob = Base64.getDecoder().decode(identity.certificateLine().split(" ")[1]);

        // the signature is the last field: string(string(alg) string(raw)); everything before it is what was signed
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob));
        assertThat(new String(readString(in), StandardCharsets.US_ASCII)).isEqualTo("ssh-ed25519-cert-v01@openssh.com");
        int signatureFieldLength = lastStringLength(blob);
        byte[] signed = Arrays.copyOf(blob, blob.length - 4 - signatureFieldLength);
        DataInputStream sigIn = new DataInputStream(new ByteArrayInputStream(blob, signed.length + 4, signatureFieldLength));
        assertThat(new String(readString(sigIn), StandardCharsets.US_ASCII)).isEqualTo("ssh-ed25519");
        byte[] rawSignature = readString(sigIn);

        byte[] caRaw = rawEd25519(ca.publicKeyLine());
        assertThat(ed25519Verify(caRaw, signed, rawSignature)).isTrue();

        byte[] otherCa = rawEd25519(UserCertificateAuthority.loadOrCreate(tmp.resolve("other")).publicKeyLine());
        assertThat(ed25519Verify(otherCa, signed, rawSignature)).as("another CA's key must not verify").isFalse();
        signed[signed.length / 2] ^= 1;
        assertThat(ed25519Verify(caRaw, signed, rawSignature)).as("a tampered certificate must not verify").isFalse();
    }

    @Test
    void writtenIdentityIsReadableByOpenSshAndByMina() throws Exception {
        UserCertificateAuthority ca = UserCertificateAuthority.loadOrCreate(tmp.resolve("ca"));
        ClientIdentity identity = ca.issue("iotedge-user", Duration.ofHours(1));
        Path key = tmp.resolve("id/key");
        identity.writeOpenSsh(key);
        Path cert = tmp.resolve("id/key-cert.pub");

        assertMode(key, "rw-------");
        assertThat(Files.readAllLines(cert)).hasSize(1);
        assertThat(sshKeygenFingerprint(key)).isEqualTo(KeyUtils.getFingerPrint(identity.keyPair().getPublic()));
        assertThat(sshKeygenPublicFromPrivate(key))
                .startsWith(SshKeys.publicKeyLine(identity.keyPair().getPublic(), null));

        String listing = Exec.of("ssh-keygen", "-L", "-f", cert.toString()).check().stdout();
        assertThat(listing)
                .contains("Type: ssh-ed25519-cert-v01@openssh.com user certificate")
                .contains("Signing CA: ED25519 " + KeyUtils.getFingerPrint(ca.publicKey()))
                .contains("Key ID: \"" + identity.certificate().getId() + "\"")
                .containsPattern("Principals: \\n\\s+iotedge-user\\n")
                .contains("permit-pty")
                .doesNotContain("permit-agent-forwarding");

        OpenSshCertificate readBack = (OpenSshCertificate) SshKeys.readPublicKey(cert);
        assertThat(readBack.getPrincipals()).containsExactly("iotedge-user");
        assertThat(readBack.getValidBefore()).isEqualTo(identity.certificate().getValidBefore());
        assertThat(KeyUtils.compareKeys(readBack.getCaPubKey(), ca.publicKey())).isTrue();
        assertSameKeyPair(SshKeys.readPrivateKey(key), identity.keyPair().getPublic());
    }

    @Test
    void refusesBadPrincipalsAndValidities() {
        UserCertificateAuthority ca = UserCertificateAuthority.loadOrCreate(tmp.resolve("ca"));
        assertThatThrownBy(() -> ca.issue(" ", Duration.ofHours(1))).isInstanceOf(EflowException.class);
        assertThatThrownBy(() -> ca.issue("a,b", Duration.ofHours(1))).isInstanceOf(EflowException.class);
        assertThatThrownBy(() -> ca.issue("a", Duration.ZERO)).isInstanceOf(EflowException.class);
    }

    private static byte[] readString(DataInputStream in) throws IOException {
        byte[] value = new byte[in.readInt()];
        in.readFully(value);
        return value;
    }

    /** Walks an ed25519 certificate's fields (RFC-style layout of PROTOCOL.certkeys) to the last one, the signature. */
    private static int lastStringLength(byte[] blob) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob));
        readString(in); // certificate type
        readString(in); // nonce
        readString(in); // public key
        in.readLong(); // serial
        in.readInt(); // user or host
        readString(in); // key id
        readString(in); // principals
        in.readLong(); // valid after
        in.readLong(); // valid before
        readString(in); // critical options
        readString(in); // extensions
        readString(in); // reserved
        readString(in); // signature key
        int length = in.readInt();
        assertThat(in.available()).isEqualTo(length);
        return length;
    }

    private static byte[] rawEd25519(String publicKeyLine) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(publicKeyLine.split(" ")[1])));
        assertThat(new String(readString(in), StandardCharsets.US_ASCII)).isEqualTo("ssh-ed25519");
        return readString(in);
    }

    private static boolean ed25519Verify(byte[] rawPublicKey, byte[] message, byte[] signature) {
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(rawPublicKey, 0));
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }
}
