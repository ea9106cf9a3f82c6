package io.eflow.instance;

import io.eflow.boot.GuestDisks;
import io.eflow.channel.GuestEndpoint;
import io.eflow.channel.GuestHostKey;
import io.eflow.channel.HostKeyPin;
import io.eflow.channel.UserCaKeys;
import io.eflow.channel.UserCertificateAuthority;
import io.eflow.daemon.api.KeysRotated;
import io.eflow.instance.model.InstanceConfig;
import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.PowerState;
import io.eflow.platform.EflowException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code eflow rotate-keys}: a new user CA for the install, a new host key for a guest, each without a moment in which
 * the host cannot log in to a guest or refuses one it rotated itself, wherever a crash stops it (see {@link UserCaKeys}
 * and {@link HostKeyPin} for the files' side; running it again finishes what was interrupted).
 *
 * <p>How a guest gets the new files. A running guest: through its management channel, as root with sudo (as the host
 * changes the guest's name servers and proxy), each file written beside the old one, synced, and moved over it, so sshd
 * (started afresh for every connection) reads the old file or the new one, never half of one. Not through the edge
 * agent: keys must be rotatable while the edge runtime is down. A stopped guest: on its data disk, in the upper layer
 * of its /etc overlay, under the instance's lock so that it cannot start meanwhile. That ends the rotation at once,
 * rather than keeping an old CA trusted (and its key on the host) until a guest that may stay stopped for months
 * starts again; and the guest needs no login to catch up, which it could not get if the host had moved on.
 */
final class KeyRotation {
    /** Where sshd reads the CAs it trusts (TrustedUserCAKeys, one key per line) and its host key, relative to /etc. */
    static final String TRUST_FILE = "ssh/eflow_user_ca.pub";
    static final String HOST_KEY_FILE = "ssh/ssh_host_ed25519_key";
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

    /** The guest's sshd folder. */
    static final String SSH_DIR = "/etc/ssh";
    /** $1 the folder, stdin the lines. A new file beside the old, on disk before it replaces the old, the folder synced after. */
    private static final String WRITE_TRUST = """
            set -e
            umask 022
            cd "$1"
            cat > .eflow_user_ca.pub.eflow-new
            sync .eflow_user_ca.pub.eflow-new
            mv -f .eflow_user_ca.pub.eflow-new eflow_user_ca.pub
            sync .
            """;
    /**
     * $1 the folder, $2 the public line, stdin the private key. Two renames: sshd between them finds a .pub of the other
     * key, which OpenSSH 9.2 reports and then ignores (it takes the public half from the private key; KeyRotationSshdIT).
     */
    private static final String WRITE_HOST_KEY = """
            set -e
            umask 077
            cd "$1"
            cat > .ssh_host_ed25519_key.eflow-new
            printf '%s\\n' "$2" > .ssh_host_ed25519_key.pub.eflow-new
            chmod 600 .ssh_host_ed25519_key.eflow-new
            chmod 644 .ssh_host_ed25519_key.pub.eflow-new
            sync .ssh_host_ed25519_key.eflow-new .ssh_host_ed25519_key.pub.eflow-new
            mv -f .ssh_host_ed25519_key.eflow-new ssh_host_ed25519_key
            mv -f .ssh_host_ed25519_key.pub.eflow-new ssh_host_ed25519_key.pub
            sync .
            """;

    private final InstanceManager manager;
    private final InstanceStore store;
    private final GuestAccess access;

    KeyRotation(InstanceManager manager, InstanceStore store, GuestAccess access) {
        this.manager = manager;
        this.store = store;
        this.access = access;
    }

    /** The files a guest's sshd reads its host key from, relative to /etc: private (0600), then public. */
    static Map<String, GuestDisks.SeedFile> hostKeyFiles(GuestHostKey key) {
        Map<String, GuestDisks.SeedFile> files = new LinkedHashMap<>();
        files.put(HOST_KEY_FILE, new GuestDisks.SeedFile(key.openSshPrivateKey(), "rw-------"));
        files.put(HOST_KEY_FILE + ".pub", new GuestDisks.SeedFile(utf8(key.publicKeyLine() + "\n"), "rw-r--r--"));
        return files;
    }

    /**
     * A new host key for guest {@code name}: kept on the host and accepted beside the pinned one first, then written into
     * the guest, proved by a fresh login that accepts only it (a running guest), and only then pinned. The pool's
     * session, made with the old key, is replaced by one that verifies the new key at its next use, done here at once
     * so that standing forwards come back without waiting for a caller.
     */
    KeysRotated.HostKey hostKey(String name) {
        return manager.withLock(name, () -> {
            InstanceConfig config = store.load(name);
            InstanceLayout layout = store.layout(config.name());
            HostKeyPin pin = GuestAccess.hostKeyPin(layout);
            String previous = GuestHostKey.fingerprint(pin.pinned());
            GuestHostKey key = pin.begin();
            boolean running = manager.powerState(config) == PowerState.RUNNING;
            try {
                if (running) {
                    asRoot(layout, writeHostKey(SSH_DIR, key.publicKeyLine()), key.openSshPrivateKey());
                    access.probe(new GuestEndpoint(layout.name(), layout.sshSocket(), key.publicKey(), GuestAccess.USER),
                            access.authorities().current());
                } else {
                    GuestDisks.editEtc(layout.dataDisk(), seedMount(layout), hostKeyFiles(key));
                }
            } catch (EflowException e) {
                throw new EflowException(e.status(), "cannot rotate the host key of " + name + ": " + e.getMessage()
                        + " (the host accepts the old key and the new one until 'eflow rotate-keys --name " + name
                        + "' finishes)", e);
            }
            pin.commit(key);
            if (running) {
                access.shell(layout, "true", WRITE_TIMEOUT);
            }
            return new KeysRotated.HostKey(config.name(), previous, key.fingerprint(), running);
        });
    }

    /**
     * A new user CA for the install (the caller holds the deploy lock, so the set of guests is fixed): every guest is told
     * to trust the new CA as well (a running one then proves it with a fresh login by the new CA's certificate), the host
     * switches to the new CA, every guest is told to trust the new CA alone (proved the same way), and the old CA's key
     * is deleted. A rotation that an earlier run left after its switch is finished rather than begun again.
     */
    KeysRotated.UserCa userCa() {
        UserCaKeys cas = access.authorities();
        List<String> guests = store.names();
        UserCertificateAuthority previous = cas.retired().orElse(null);
        if (previous == null) {
            previous = cas.current();
            UserCertificateAuthority next = cas.introduce();
            for (String guest : guests) {
                try {
                    trust(guest, List.of(previous, next), next);
                } catch (EflowException e) {
                    throw new EflowException(e.status(), "cannot rotate the user CA: guest " + guest + ": " + e.getMessage()
                            + " (nothing was switched: every guest still trusts the CA in use; run 'eflow rotate-keys --all'"
                            + " again when it can be reached, or stopped)", e);
                }
            }
            cas.promote();
        }
        UserCertificateAuthority current = cas.current();
        for (String guest : guests) {
            try {
                trust(guest, List.of(current), current);
            } catch (EflowException e) {
                throw new EflowException(e.status(), "the new user CA is in use, but guest " + guest + " still trusts the old one"
                        + " as well: " + e.getMessage() + " (run 'eflow rotate-keys --all' again to finish)", e);
            }
        }
        cas.retire();
        return new KeysRotated.UserCa(previous.fingerprint(), current.fingerprint(), guests.size());
    }

    /** Makes guest {@code name} trust exactly {@code cas}; a running guest must then log in a certificate of {@code proof}. */
    private void trust(String name, List<UserCertificateAuthority> cas, UserCertificateAuthority proof) {
        manager.withLock(name, () -> {
            if (!store.exists(name)) {
                return null; // removed meanwhile
            }
            InstanceConfig config = store.load(name);
            InstanceLayout layout = store.layout(config.name());
            byte[] file = UserCaKeys.trustFile(cas);
            if (manager.powerState(config) == PowerState.RUNNING) {
                asRoot(layout, writeTrust(SSH_DIR), file);
                access.probe(access.endpoint(layout), proof);
            } else {
                GuestDisks.editEtc(layout.dataDisk(), seedMount(layout), Map.of(TRUST_FILE, new GuestDisks.SeedFile(file, "rw-r--r--")));
            }
            return null;
        });
    }

    /** The command that replaces the trust file in {@code sshDir} with its stdin. */
    static List<String> writeTrust(String sshDir) {
        return List.of("sh", "-c", WRITE_TRUST, "eflow-rotate-keys", sshDir);
    }

    /** The command that replaces the host key in {@code sshDir} with its stdin (private) and {@code publicLine}. */
    static List<String> writeHostKey(String sshDir, String publicLine) {
        return List.of("sh", "-c", WRITE_HOST_KEY, "eflow-rotate-keys", sshDir, publicLine);
    }

    /** Runs {@code argv} as root in the running guest (sudo, as the host's other changes to /etc), fed {@code stdin}. */
    private void asRoot(InstanceLayout layout, List<String> argv, byte[] stdin) {
        List<String> asRoot = new ArrayList<>(List.of("sudo", "-n"));
        asRoot.addAll(argv);
        access.shell(layout, ShellQuoting.join(asRoot), stdin, WRITE_TIMEOUT);
    }

    /** Where a stopped guest's data disk is mounted while its /etc is changed; a start releases a leftover mount there. */
    static Path seedMount(InstanceLayout layout) {
        return layout.run().resolve("keys-mount");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
