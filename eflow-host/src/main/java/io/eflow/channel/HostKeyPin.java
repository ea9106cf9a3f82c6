package io.eflow.channel;

import org.apache.sshd.common.config.keys.KeyUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Optional;

/**
 * One guest's pinned host key on the host, and the key that replaces it during a rotation. Files:
 * <ul>
 *   <li>{@code <pinned>} (a {@code .pub} line): the key the host accepts from the guest;</li>
 *   <li>{@code <incoming>} and {@code <incoming>.pub}: the key being put into the guest. From the moment its
 *       {@code .pub} exists the host accepts it as well (and only then is it written into the guest), so a guest that
 *       already presents it is never refused, whatever step a crash stopped at;</li>
 * </ul>
 * {@link #commit} pins the incoming key with one atomic write and then forgets it as incoming. The private half is kept
 * on the host only while the rotation is under way, so an interrupted rotation can put the very same key in again.
 */
public final class HostKeyPin {
    private final Path pinned;
    private final Path incoming;

    public HostKeyPin(Path pinned, Path incoming) {
        this.pinned = pinned;
        this.incoming = incoming;
    }

    public PublicKey pinned() {
        return GuestHostKey.readPinned(pinned);
    }

    /**
     * The key being rotated in, once it is accepted ({@code .pub} written); empty outside a rotation. A private half
     * without its {@code .pub} (a crash between the two writes) was never written into the guest, so it is not.
     */
    public Optional<PublicKey> incoming() {
        Path incomingPublic = GuestHostKey.publicFile(incoming);
        if (!Files.exists(incomingPublic)) {
            return Optional.empty();
        }
        try {
            return Optional.of(GuestHostKey.readPinned(incomingPublic));
        } catch (RuntimeException e) {
            if (!Files.exists(incomingPublic)) {
                return Optional.empty(); // committed between the two looks
            }
            throw e;
        }
    }

    /**
     * The key to put into the guest: the one an interrupted rotation was putting in (so the guest, which may hold it
     * already, stays acceptable), else a new one; either way written here (private, then {@code .pub}) before it
     * goes anywhere else.
     */
    public GuestHostKey begin() {
        Path incomingPublic = GuestHostKey.publicFile(incoming);
        if (Files.exists(incoming) && Files.exists(incomingPublic)) {
            GuestHostKey resumed = GuestHostKey.load(incoming);
            // the private half must be the key the host accepts: only that one may have reached the guest
            if (!KeyUtils.compareKeys(resumed.publicKey(), pinned())
                    && KeyUtils.compareKeys(resumed.publicKey(), GuestHostKey.readPinned(incomingPublic))) {
                return resumed;
            }
        }
        // The accepted .pub goes before a new private half is written: otherwise a crash between the two writes would
        // leave a .pub of an older key beside the new private one, and a later run would put a key into the guest
        // that the host does not accept.
        SshKeys.delete(incomingPublic);
        GuestHostKey fresh = GuestHostKey.generate();
        fresh.writeForSshd(incoming);
        return fresh;
    }

    /** Pins {@code key} (it must be the incoming one) and ends the rotation: the old key is no longer accepted. */
    public void commit(GuestHostKey key) {
        SshKeys.writePublicLine(pinned, key.publicKeyLine());
        SshKeys.delete(GuestHostKey.publicFile(incoming));
        SshKeys.delete(incoming);
    }
}
