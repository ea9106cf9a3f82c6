package io.eflow.instance;

import io.eflow.boot.GuestDisks;
import io.eflow.channel.GuestHostKey;
import io.eflow.channel.UserCaKeys;
import io.eflow.platform.Exec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scripts rotate-keys runs as root in a running guest, run here by sh on a folder standing in for /etc/ssh, as
 * the guest's shell runs them (quoted into one command line): what they leave, with which modes, and nothing else.
 */
class KeyRotationScriptsTest {
    @TempDir
    Path ssh;

    @Test
    void theTrustFileIsReplacedWholeWithTheLinesGiven() throws IOException {
        Files.writeString(ssh.resolve("eflow_user_ca.pub"), "ssh-ed25519 AAAAold eflow-user-ca\n");
        Files.writeString(ssh.resolve("sshd_config"), "untouched\n");
        UserCaKeys cas = UserCaKeys.load(ssh.resolve("host-ca"));
        cas.introduce();
        byte[] file = UserCaKeys.trustFile(cas.trusted());

        runInShell(KeyRotation.writeTrust(ssh.toString()), new String(file, StandardCharsets.UTF_8));

        assertThat(Files.readAllBytes(ssh.resolve("eflow_user_ca.pub"))).isEqualTo(file);
        assertThat(mode(ssh.resolve("eflow_user_ca.pub"))).isEqualTo("rw-r--r--");
        assertThat(Files.readString(ssh.resolve("sshd_config"))).isEqualTo("untouched\n");
        assertThat(names()).containsExactlyInAnyOrder("eflow_user_ca.pub", "sshd_config", "host-ca");
    }

    @Test
    void theHostKeyPairIsReplacedWithTheModesSshdWants() throws IOException {
        GuestHostKey old = GuestHostKey.generate();
        old.writeForSshd(ssh.resolve("ssh_host_ed25519_key"));
        GuestHostKey next = GuestHostKey.generate();
        byte[] privateKey = next.openSshPrivateKey(); // each encoding differs (random check bytes)

        runInShell(KeyRotation.writeHostKey(ssh.toString(), next.publicKeyLine()), new String(privateKey, StandardCharsets.UTF_8));

        assertThat(Files.readAllBytes(ssh.resolve("ssh_host_ed25519_key"))).isEqualTo(privateKey);
        assertThat(Files.readString(ssh.resolve("ssh_host_ed25519_key.pub"))).isEqualTo(next.publicKeyLine() + "\n");
        assertThat(mode(ssh.resolve("ssh_host_ed25519_key"))).isEqualTo("rw-------");
        assertThat(mode(ssh.resolve("ssh_host_ed25519_key.pub"))).isEqualTo("rw-r--r--");
        assertThat(names()).containsExactlyInAnyOrder("ssh_host_ed25519_key", "ssh_host_ed25519_key.pub");
        assertThat(Exec.of("ssh-keygen", "-l", "-f", ssh.resolve("ssh_host_ed25519_key").toString()).check().stdout())
                .contains(next.fingerprint());
    }

    @Test
    void aStoppedGuestGetsTheSameFilesAsARunningOne() throws IOException {
        GuestHostKey key = GuestHostKey.generate();
        Map<String, GuestDisks.SeedFile> files = KeyRotation.hostKeyFiles(key);
        assertThat(files.keySet()).containsExactly("ssh/ssh_host_ed25519_key", "ssh/ssh_host_ed25519_key.pub");
        Path written = Files.write(ssh.resolve("key"), files.get("ssh/ssh_host_ed25519_key").content());
        Files.setPosixFilePermissions(written, PosixFilePermissions.fromString("rw-------"));
        assertThat(Exec.of("ssh-keygen", "-l", "-f", written.toString()).check().stdout()).contains(key.fingerprint());
        assertThat(files.get("ssh/ssh_host_ed25519_key").mode()).isEqualTo("rw-------");
        assertThat(new String(files.get("ssh/ssh_host_ed25519_key.pub").content(), StandardCharsets.UTF_8))
                .isEqualTo(key.publicKeyLine() + "\n");
        assertThat(KeyRotation.TRUST_FILE).isEqualTo("ssh/eflow_user_ca.pub");
    }

    @Test
    void aPublicLineThatLooksLikeShellStaysData() throws IOException {
        GuestHostKey.generate().writeForSshd(ssh.resolve("ssh_host_ed25519_key"));
        String hostile = "ssh-ed25519 AAAA x'; touch " + ssh.resolve("pwned") + "; echo '$(id)";
        runInShell(KeyRotation.writeHostKey(ssh.toString(), hostile), "key\n");
        assertThat(Files.readString(ssh.resolve("ssh_host_ed25519_key.pub"))).isEqualTo(hostile + "\n");
        assertThat(ssh.resolve("pwned")).doesNotExist();
    }

    /** As the guest gets it: one command line, quoted, run by a shell (sudo omitted). */
    private static void runInShell(List<String> argv, String stdin) {
        Exec.of("sh", "-c", ShellQuoting.join(argv)).input(stdin).check();
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(ssh)) {
            return files.map(f -> f.getFileName().toString()).toList();
        }
    }

    private static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }
}
