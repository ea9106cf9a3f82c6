package io.eflow.channel;

import org.apache.sshd.common.config.keys.KeyUtils;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;

/**
 * A guest's SSH host key. The host generates it when it deploys the guest and pins the public half, so the very
 * first connection is already verified: there is no trust-on-first-use step to attack.
 */
public final class GuestHostKey {
    static final String COMMENT = "eflow-guest";

    private final KeyPair keyPair;

    private GuestHostKey(KeyPair keyPair) {
        this.keyPair = keyPair;
    }

    public static GuestHostKey generate() {
        return new GuestHostKey(SshKeys.newEd25519());
    }

    /** Reads a key written by {@link #writeForSshd}. */
    static GuestHostKey load(Path privateKeyFile) {
        return new GuestHostKey(SshKeys.readPrivateKey(privateKeyFile));
    }

    public PublicKey publicKey() {
        return keyPair.getPublic();
    }

    /** The private key file's contents as sshd reads them (OpenSSH format, unencrypted): what goes into the guest. */
    public byte[] openSshPrivateKey() {
        return SshKeys.encodePrivateKey(keyPair, COMMENT);
    }

    /** The key's SHA256 fingerprint, as {@code ssh-keygen -l} prints it. */
    public String fingerprint() {
        return KeyUtils.getFingerPrint(keyPair.getPublic());
    }

    /**
     * Writes the private key (OpenSSH format, 0600: sshd ignores group- or world-readable host keys) and
     * {@code <privateKeyFile>.pub}, which is what sshd's {@code HostKey} reads.
     */
    public void writeForSshd(Path privateKeyFile) {
        SshKeys.writePrivateKey(privateKeyFile, keyPair, COMMENT);
        SshKeys.writePublicLine(publicFile(privateKeyFile), publicKeyLine());
    }

    public String publicKeyLine() {
        return SshKeys.publicKeyLine(keyPair.getPublic(), COMMENT);
    }

    /** A {@code known_hosts} line, so that a plain OpenSSH client can verify the guest the same way. */
    public String knownHostsLine(String alias) {
        return alias + " " + SshKeys.publicKeyLine(keyPair.getPublic(), null);
    }

    /** A {@code known_hosts} line for {@code key}. */
    public static String knownHostsLine(String alias, PublicKey key) {
        return alias + " " + SshKeys.publicKeyLine(key, null);
    }

    /** The SHA256 fingerprint of {@code key}, as {@code ssh-keygen -l} prints it. */
    public static String fingerprint(PublicKey key) {
        return KeyUtils.getFingerPrint(key);
    }

    /** Reads a pinned public key from a {@code .pub} file written by {@link #writeForSshd}. */
    public static PublicKey readPinned(Path pubFile) {
        return SshKeys.readPublicKey(pubFile);
    }

    public static Path publicFile(Path privateKeyFile) {
        return privateKeyFile.resolveSibling(privateKeyFile.getFileName() + ".pub");
    }
}
