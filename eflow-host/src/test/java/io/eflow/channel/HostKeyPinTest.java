package io.eflow.channel;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;

import static io.eflow.channel.KeyFileAssertions.assertMode;
import static io.eflow.channel.KeyFileAssertions.sshKeygenFingerprint;
import static org.assertj.core.api.Assertions.assertThat;

/** A guest's pinned host key through a rotation, and the keys the host accepts at each step. */
class HostKeyPinTest {
    @TempDir
    Path tmp;

    private Path pinned;
    private Path incoming;
    private GuestHostKey old;

    @BeforeEach
    void deployed() {
        pinned = tmp.resolve("keys/ssh_host_ed25519_key.pub");
        incoming = tmp.resolve("keys/ssh_host_ed25519_key.next");
        old = GuestHostKey.generate();
        SshKeys.writePublicLine(pinned, old.publicKeyLine());
    }

    @Test
    void theIncomingKeyIsAcceptedBesideThePinnedOneUntilCommittedThenAlone() throws IOException {
        HostKeyPin pin = new HostKeyPin(pinned, incoming);
        assertThat(pin.incoming()).isEmpty();
        assertThat(endpoint(pin).acceptedHostKeys()).hasSize(1);

        GuestHostKey next = pin.begin();
        assertMode(incoming, "rw-------");
        assertThat(sshKeygenFingerprint(incoming)).isEqualTo(next.fingerprint());
        GuestEndpoint during = endpoint(pin);
        assertThat(during.accepts(old.publicKey())).isTrue();
        assertThat(during.accepts(next.publicKey())).isTrue();
        assertThat(during.accepts(GuestHostKey.generate().publicKey())).isFalse();

        pin.commit(next);
        GuestEndpoint after = endpoint(pin);
        assertThat(after.accepts(next.publicKey())).isTrue();
        assertThat(after.accepts(old.publicKey())).as("the old key is refused once the new one is pinned").isFalse();
        assertThat(Files.exists(incoming)).isFalse();
        assertThat(Files.exists(GuestHostKey.publicFile(incoming))).isFalse();
    }

    @Test
    void anInterruptedRotationPutsTheSameKeyInAgain() {
        GuestHostKey first = new HostKeyPin(pinned, incoming).begin();
        GuestHostKey resumed = new HostKeyPin(pinned, incoming).begin();
        assertThat(same(resumed.publicKey(), first.publicKey())).isTrue();
    }

    @Test
    void aPrivateHalfWithoutItsPublicLineWasNeverInTheGuestAndIsNeitherAcceptedNorReused() throws IOException {
        GuestHostKey half = new HostKeyPin(pinned, incoming).begin();
        Files.delete(GuestHostKey.publicFile(incoming));
        HostKeyPin pin = new HostKeyPin(pinned, incoming);
        assertThat(pin.incoming()).isEmpty();
        assertThat(same(pin.begin().publicKey(), half.publicKey())).isFalse();
    }

    @Test
    void aCommitCutBeforeItForgotTheIncomingKeyStartsAFreshRotationNextTime() {
        HostKeyPin pin = new HostKeyPin(pinned, incoming);
        GuestHostKey next = pin.begin();
        SshKeys.writePublicLine(pinned, next.publicKeyLine()); // commit's first write, then the crash
        HostKeyPin reloaded = new HostKeyPin(pinned, incoming);
        assertThat(endpoint(reloaded).accepts(next.publicKey())).isTrue();
        assertThat(endpoint(reloaded).accepts(old.publicKey())).isFalse();
        assertThat(same(reloaded.begin().publicKey(), next.publicKey())).as("not a rotation to the same key").isFalse();
    }

    @Test
    void aNewPrivateHalfNeverSitsBesideTheOlderKeysPublicLine() throws IOException {
        HostKeyPin pin = new HostKeyPin(pinned, incoming);
        GuestHostKey next = pin.begin();
        SshKeys.writePublicLine(pinned, next.publicKeyLine()); // a commit cut after pinning: the .pub is the pinned key
        Path incomingPublic = GuestHostKey.publicFile(incoming);
        byte[] stalePublic = Files.readAllBytes(incomingPublic);
        GuestHostKey fresh = new HostKeyPin(pinned, incoming).begin();
        assertThat(sshKeygenFingerprint(incoming)).isEqualTo(fresh.fingerprint());
        // the crash between the new private half and its .pub, as it would have been with the stale line left in place
        Files.write(incomingPublic, stalePublic);
        GuestHostKey resumed = new HostKeyPin(pinned, incoming).begin();
        assertThat(endpoint(new HostKeyPin(pinned, incoming)).accepts(resumed.publicKey()))
                .as("whatever key a run puts into the guest, the host accepts it").isTrue();
        assertThat(same(resumed.publicKey(), fresh.publicKey())).as("a private half that is not the accepted key is not resumed").isFalse();
    }

    private GuestEndpoint endpoint(HostKeyPin pin) {
        return new GuestEndpoint("g", tmp.resolve("g.sock"), pin.pinned(), "iotedge-user", pin.incoming().orElse(null));
    }

    private static boolean same(PublicKey a, PublicKey b) {
        return KeyUtils.compareKeys(a, b);
    }
}
