package io.eflow.image;

import io.eflow.platform.EflowException;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;

/**
 * The Ed25519 key pair that signs the images this host builds: {@code release.key} (PKCS#8 PEM, 0600) and
 * {@code release.pub} (X.509 PEM) in {@link io.eflow.platform.EflowPaths#releaseKey()}. Kept outside any
 * image and any instance, so an image can never carry the key that vouches for it.
 */
public final class ReleaseKeys {
    public static final String PRIVATE_FILE = "release.key";
    public static final String PUBLIC_FILE = "release.pub";
    static final String ALGORITHM = "Ed25519";

    private final KeyPair pair;

    private ReleaseKeys(KeyPair pair) {
        this.pair = pair;
    }

    /** Loads the pair, or creates it on first use (the first image build). */
    public static ReleaseKeys loadOrCreate(Path dir) {
        try {
            Path privateFile = dir.resolve(PRIVATE_FILE);
            if (Files.exists(privateFile)) {
                return load(dir);
            }
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            KeyPair pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
            // Public key first: a crash in between leaves no private key, and the next run starts over.
            writeAtomically(dir.resolve(PUBLIC_FILE), Pem.encode(Pem.PUBLIC_KEY, pair.getPublic().getEncoded()), "rw-r--r--");
            writeAtomically(privateFile, Pem.encode(Pem.PRIVATE_KEY, pair.getPrivate().getEncoded()), "rw-------");
            return new ReleaseKeys(pair);
        } catch (IOException e) {
            throw EflowException.failure("cannot create the release signing key in " + dir + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no Ed25519", e);
        }
    }

    /** Loads an existing pair; the public key is re-derived from the private one if its file went missing. */
    public static ReleaseKeys load(Path dir) {
        Path privateFile = dir.resolve(PRIVATE_FILE);
        try {
            byte[] der = Pem.decode(Pem.PRIVATE_KEY, Files.readString(privateFile, StandardCharsets.ISO_8859_1));
            PrivateKey privateKey = KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
            PublicKey publicKey = derivePublic(der);
            Path publicFile = dir.resolve(PUBLIC_FILE);
            Optional<PublicKey> stored = readPublicKey(dir);
            if (stored.isEmpty() || !stored.get().equals(publicKey)) {
                writeAtomically(publicFile, Pem.encode(Pem.PUBLIC_KEY, publicKey.getEncoded()), "rw-r--r--");
            }
            return new ReleaseKeys(new KeyPair(publicKey, privateKey));
        } catch (IOException e) {
            throw EflowException.failure("cannot read the release signing key " + privateFile + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw EflowException.failure(privateFile + " is not an Ed25519 private key in PKCS#8 PEM form", e);
        }
    }

    /** The local release public key, if this host has ever built an image. */
    public static Optional<PublicKey> readPublicKey(Path dir) {
        Path file = dir.resolve(PUBLIC_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        return Optional.of(parsePublicKey(file));
    }

    static PublicKey parsePublicKey(Path file) {
        try {
            byte[] der = Pem.decode(Pem.PUBLIC_KEY, Files.readString(file, StandardCharsets.ISO_8859_1));
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (IOException e) {
            throw EflowException.failure("cannot read public key " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new EflowException(file + " is not an Ed25519 public key in PEM form (-----BEGIN PUBLIC KEY-----)");
        }
    }

    public PublicKey publicKey() {
        return pair.getPublic();
    }

    public String keyId() {
        return KeyId.of(pair.getPublic());
    }

    public ManifestSignature sign(byte[] data) {
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(pair.getPrivate());
            signer.update(data);
            return new ManifestSignature(ALGORITHM, keyId(), Base64.getEncoder().encodeToString(signer.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    private static PublicKey derivePublic(byte[] pkcs8) throws IOException, GeneralSecurityException {
        byte[] raw = ASN1OctetString.getInstance(PrivateKeyInfo.getInstance(pkcs8).parsePrivateKey()).getOctets();
        byte[] spki = SubjectPublicKeyInfoFactory
                .createSubjectPublicKeyInfo(new Ed25519PrivateKeyParameters(raw, 0).generatePublicKey())
                .getEncoded();
        return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(spki));
    }

    private static void writeAtomically(Path target, String text, String permissions) throws IOException {
        Path temp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another process is writing " + target, e);
        }
        Files.writeString(temp, text, StandardCharsets.US_ASCII);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
