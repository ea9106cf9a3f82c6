package io.eflow.channel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

import static io.eflow.channel.KeyFileAssertions.assertMode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The user CA's rotation on disk: each step, and the folder as a crash can leave it between any two file operations,
 * loaded afresh. What must hold everywhere: the CA the host signs with is one every guest trusts at that point.
 */
class UserCaKeysTest {
    @TempDir
    Path tmp;

    @Test
    void aRotationIntroducesPromotesAndRetiresLeavingOnlyTheNewPair() throws IOException {
        Path dir = tmp.resolve("ca");
        UserCaKeys keys = UserCaKeys.load(dir);
        UserCertificateAuthority old = keys.current();
        assertThat(lines(keys.trusted())).containsExactly(old.publicKeyLine());

        UserCertificateAuthority next = keys.introduce();
        assertThat(keys.current().sameKey(old)).isTrue();
        assertThat(lines(keys.trusted())).containsExactly(old.publicKeyLine(), next.publicKeyLine());
        assertThat(keys.introduce().sameKey(next)).as("introducing again resumes").isTrue();
        assertMode(dir.resolve("user_ca.next"), "rw-------");

        assertThat(keys.promote().sameKey(next)).isTrue();
        assertThat(keys.current().sameKey(next)).isTrue();
        assertThat(keys.retired().orElseThrow().sameKey(old)).isTrue();
        assertThat(keys.next()).isEmpty();
        assertThat(lines(keys.trusted())).containsExactly(next.publicKeyLine(), old.publicKeyLine());
        assertMode(dir.resolve("user_ca"), "rw-------");
        assertThat(Files.readString(dir.resolve("user_ca.pub")).strip()).isEqualTo(next.publicKeyLine());

        keys.retire();
        assertThat(lines(keys.trusted())).containsExactly(next.publicKeyLine());
        assertThat(names(dir)).containsExactlyInAnyOrder("user_ca", "user_ca.pub");
        assertThat(UserCertificateAuthority.loadOrCreate(dir).sameKey(next)).as("the plain loader agrees").isTrue();
    }

    @Test
    void aNewRotationWaitsUntilThePreviousOneRetiredItsCa() {
        UserCaKeys keys = UserCaKeys.load(tmp.resolve("ca"));
        keys.introduce();
        keys.promote();
        assertThatThrownBy(keys::introduce).isInstanceOf(IllegalStateException.class).hasMessageContaining("retire");
    }

    /** Every state a promotion passes through on disk, replayed by hand and loaded by a fresh process. */
    @Test
    void aPromotionCutAtAnyFileOperationLoadsAsBeforeOrAfterIt() throws IOException {
        Path dir = tmp.resolve("ca");
        UserCaKeys first = UserCaKeys.load(dir);
        UserCertificateAuthority old = first.current();
        UserCertificateAuthority next = first.introduce();

        // 1. the retired copy written (its key, not yet its .pub; then both)
        Files.copy(dir.resolve("user_ca"), dir.resolve("user_ca.retired"));
        assertBefore(dir, old, next);
        Files.copy(dir.resolve("user_ca.pub"), dir.resolve("user_ca.retired.pub"));
        assertBefore(dir, old, next);
        // 2. user_ca.pub deleted
        Files.delete(dir.resolve("user_ca.pub"));
        assertBefore(dir, old, next);
        // 3. the rename
        Files.move(dir.resolve("user_ca.next"), dir.resolve("user_ca"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        assertAfter(dir, old, next);
        // 4. user_ca.pub written, user_ca.next.pub deleted
        Files.writeString(dir.resolve("user_ca.pub"), next.publicKeyLine() + "\n");
        assertAfter(dir, old, next);
        Files.delete(dir.resolve("user_ca.next.pub"));
        assertAfter(dir, old, next);
        // retiring: the key deleted before its .pub
        Files.delete(dir.resolve("user_ca.retired"));
        UserCaKeys reloaded = UserCaKeys.load(dir);
        assertThat(reloaded.current().sameKey(next)).isTrue();
        assertThat(reloaded.retired()).isEmpty();
        reloaded.introduce();
        assertThat(Files.exists(dir.resolve("user_ca.retired.pub"))).as("a new rotation tidies the leftover").isFalse();
    }

    @Test
    void aPromotionInterruptedBeforeItsRenameIsFinishedByPromotingAgain() throws IOException {
        Path dir = tmp.resolve("ca");
        UserCaKeys first = UserCaKeys.load(dir);
        UserCertificateAuthority old = first.current();
        UserCertificateAuthority next = first.introduce();
        Files.copy(dir.resolve("user_ca"), dir.resolve("user_ca.retired"));
        Files.delete(dir.resolve("user_ca.pub"));

        UserCaKeys again = UserCaKeys.load(dir);
        assertThat(again.introduce().sameKey(next)).isTrue();
        assertThat(again.promote().sameKey(next)).isTrue();
        assertThat(again.retired().orElseThrow().sameKey(old)).isTrue();
    }

    @Test
    void anotherProcessFollowsARotationOnItsNextUse() {
        Path dir = tmp.resolve("ca");
        UserCaKeys daemon = UserCaKeys.load(dir);
        UserCaKeys cli = UserCaKeys.load(dir);
        UserCertificateAuthority old = cli.current();

        UserCertificateAuthority next = daemon.introduce();
        assertThat(cli.next().orElseThrow().sameKey(next)).isTrue();
        daemon.promote();
        assertThat(cli.current().sameKey(next)).isTrue();
        assertThat(cli.retired().orElseThrow().sameKey(old)).isTrue();
        daemon.retire();
        assertThat(cli.retired()).isEmpty();
        assertThat(cli.trusted()).hasSize(1);
    }

    @Test
    void theTrustFileHoldsOneParsableKeyLinePerCa() {
        UserCaKeys keys = UserCaKeys.load(tmp.resolve("ca"));
        keys.introduce();
        String file = new String(UserCaKeys.trustFile(keys.trusted()), StandardCharsets.UTF_8);
        List<String> lines = file.lines().toList();
        assertThat(file).endsWith("\n");
        assertThat(lines).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("ssh-ed25519 AAAA").endsWith(" eflow-user-ca"));
        assertThat(SshKeys.parsePublicKeyLine(lines.get(1), "line 2")).isEqualTo(keys.next().orElseThrow().publicKey());
    }

    /** Loaded afresh: signs with the old CA, and the new one is still coming in (guests trust both). */
    private static void assertBefore(Path dir, UserCertificateAuthority old, UserCertificateAuthority next) {
        UserCaKeys loaded = UserCaKeys.load(dir);
        assertThat(loaded.current().sameKey(old)).isTrue();
        assertThat(loaded.next().orElseThrow().sameKey(next)).isTrue();
        assertThat(loaded.retired()).isEmpty();
    }

    /** Loaded afresh: signs with the new CA, and the old one is still to retire. */
    private static void assertAfter(Path dir, UserCertificateAuthority old, UserCertificateAuthority next) {
        UserCaKeys loaded = UserCaKeys.load(dir);
        assertThat(loaded.current().sameKey(next)).isTrue();
        assertThat(loaded.next()).isEmpty();
        assertThat(loaded.retired().orElseThrow().sameKey(old)).isTrue();
    }

    private static List<String> lines(List<UserCertificateAuthority> cas) {
        return cas.stream().map(UserCertificateAuthority::publicKeyLine).toList();
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).toList();
        }
    }
}
