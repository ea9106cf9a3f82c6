package io.eflow.image;

import io.eflow.platform.EflowException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The customize steps on a small Debian-shaped tree (owners are not applied: this runs without root). */
class RootfsCustomizerTest {
    @TempDir
    Path tmp;

    private Path root;
    private RootfsCustomizer customizer;

    @BeforeEach
    void debianShapedTree() throws IOException {
        root = Files.createDirectories(tmp.resolve("rootfs"));
        for (String dir : new String[] {"usr/bin", "usr/sbin", "usr/lib/x86_64-linux-gnu", "usr/lib/apt/methods",
                "etc/apt/sources.list.d", "etc/ssh", "etc/skel", "etc/sudoers.d", "var/lib/dpkg/info", "var/lib/apt",
                "var/cache/apt/archives", "var/log", "var/lib/sudo", "usr/share/dpkg", "proc", "dev"}) {
            Files.createDirectories(root.resolve(dir));
        }
        Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
        Files.createSymbolicLink(root.resolve("var/run"), Path.of("/run"));
        for (String file : new String[] {"usr/bin/apt", "usr/bin/apt-get", "usr/bin/apt-cache", "usr/bin/dpkg",
                "usr/bin/dpkg-query", "usr/sbin/dpkg-reconfigure", "usr/bin/debconf-set-selections",
                "usr/bin/update-alternatives", "usr/lib/x86_64-linux-gnu/libapt-pkg.so.6.0.0",
                "usr/lib/apt/methods/http", "etc/apt/sources.list", "var/lib/dpkg/status", "var/lib/dpkg/info/bash.list",
                "var/cache/apt/archives/lock", "usr/share/dpkg/cputable", "etc/cron.daily/dpkg",
                // kept:
                "usr/bin/captoinfo", "usr/bin/aptitude-is-not-here-but-similar", "usr/bin/bash", "usr/sbin/sshd",
                "usr/lib/x86_64-linux-gnu/libc.so.6", "var/lib/sudo/lectured", "etc/skel/.bashrc", "etc/skel/.profile",
                "etc/ssh/sshd_config", "etc/ssh/ssh_host_ed25519_key", "etc/ssh/ssh_host_ed25519_key.pub",
                "etc/ssh/ssh_host_rsa_key", "etc/ssh/ssh_host_rsa_key.pub", "etc/hostname", "etc/resolv.conf"}) {
            Files.createDirectories(root.resolve(file).getParent());
            Files.writeString(root.resolve(file), file);
        }
        Files.writeString(root.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\nsshd:x:100:65534::/run/sshd:/usr/sbin/nologin\n");
        Files.writeString(root.resolve("etc/group"), "root:x:0:\nsudo:x:27:\n");
        Files.writeString(root.resolve("etc/shadow"), "root:*:20000:0:99999:7:::\n");
        Files.writeString(root.resolve("etc/gshadow"), "root:*::\n");
        Files.setAttribute(root.resolve("etc/shadow"), "unix:mode", 0640);
        customizer = new RootfsCustomizer(new Rootfs(root, false));
    }

    @Test
    void removesThePackageManagerAndNothingElse() {
        int removed = customizer.removePackageManager();

        for (String gone : new String[] {"usr/bin/apt", "usr/bin/apt-get", "usr/bin/apt-cache", "usr/bin/dpkg",
                "usr/bin/dpkg-query", "usr/sbin/dpkg-reconfigure", "usr/bin/debconf-set-selections",
                "usr/bin/update-alternatives", "usr/lib/x86_64-linux-gnu/libapt-pkg.so.6.0.0", "usr/lib/apt", "etc/apt",
                "var/lib/dpkg", "var/lib/apt", "var/cache/apt", "usr/share/dpkg", "etc/cron.daily/dpkg"}) {
            assertThat(root.resolve(gone)).as(gone).doesNotExist();
        }
        for (String kept : new String[] {"usr/bin/captoinfo", "usr/bin/aptitude-is-not-here-but-similar", "usr/bin/bash",
                "usr/lib/x86_64-linux-gnu/libc.so.6", "var/lib/sudo/lectured", "etc/ssh/sshd_config"}) {
            assertThat(root.resolve(kept)).as(kept).exists();
        }
        assertThat(Files.isSymbolicLink(root.resolve("bin"))).isTrue();
        assertThat(removed).isEqualTo(16);
    }

    @Test
    void removesOnlyTheSshHostKeys() {
        assertThat(customizer.removeSshHostKeys()).isEqualTo(4);
        try (var files = Files.list(root.resolve("etc/ssh"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("sshd_config");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void addsIotedgeUserWithoutPasswordAndWithSudoRule() throws IOException {
        customizer.addIotedgeUser(20089);

        assertThat(Files.readString(root.resolve("etc/passwd")))
                .endsWith("\niotedge-user:x:1000:1000:IoT Edge user:/home/iotedge-user:/bin/bash\n");
        assertThat(Files.readString(root.resolve("etc/group"))).endsWith("\niotedge-user:x:1000:\n");
        assertThat(Files.readString(root.resolve("etc/shadow"))).endsWith("\niotedge-user:*:20089:0:99999:7:::\n");
        assertThat(Files.readString(root.resolve("etc/gshadow"))).endsWith("\niotedge-user:!::\n");
        assertThat(mode("etc/shadow")).isEqualTo(0640);

        Path sudoers = root.resolve("etc/sudoers.d/iotedge-user");
        assertThat(sudoers).hasContent("iotedge-user ALL=(ALL) NOPASSWD:ALL");
        assertThat(mode("etc/sudoers.d/iotedge-user")).isEqualTo(0440);
        assertThat(mode("home/iotedge-user")).isEqualTo(0750);
        assertThat(root.resolve("home/iotedge-user/.bashrc")).hasContent("etc/skel/.bashrc");
    }

    @Test
    void refusesToAddTheUserTwice() {
        customizer.addIotedgeUser(1);
        assertThatThrownBy(() -> customizer.addIotedgeUser(1))
                .isInstanceOf(EflowException.class)
                .hasMessage("the Debian base already has name iotedge-user in /etc/passwd");
    }

    @Test
    void movesVarToTheTemplateAndLeavesAnEmptyMountPoint() throws IOException {
        assertThat(customizer.moveVarToTemplate()).isEqualTo(4);
        Path template = root.resolve(RootfsCustomizer.VAR_TEMPLATE);
        assertThat(template.resolve("lib/dpkg/status")).exists();
        assertThat(Files.readSymbolicLink(template.resolve("run"))).isEqualTo(Path.of("/run"));
        try (var var = Files.list(root.resolve("var"))) {
            assertThat(var).isEmpty();
        }
    }

    @Test
    void createsEveryMountPointWithTheRightMode() throws IOException {
        Files.setAttribute(root.resolve("proc"), "unix:mode", 0700);
        customizer.ensureMountPoints();
        for (String dir : RootfsCustomizer.MOUNT_POINTS) {
            assertThat(Files.isDirectory(root.resolve(dir), LinkOption.NOFOLLOW_LINKS)).as(dir).isTrue();
        }
        assertThat(mode("tmp")).isEqualTo(01777);
        assertThat(mode("root")).isEqualTo(0700);
        assertThat(mode("logs")).isEqualTo(0755);
        assertThat(mode("proc")).as("an existing mount point keeps its mode").isEqualTo(0700);
    }

    @Test
    void aMountPointThatIsASymlinkIsAnError() throws IOException {
        Files.createSymbolicLink(root.resolve("logs"), Path.of("var/log"));
        assertThatThrownBy(customizer::ensureMountPoints).hasMessageContaining("/logs is a symlink");
    }

    @Test
    void replacesTheBuildHostsIdentityAndWritesTheRelease() throws IOException {
        Files.delete(root.resolve("etc/resolv.conf"));
        // Some bases make resolv.conf a symlink into /run: it must be replaced, not followed.
        Files.createSymbolicLink(root.resolve("etc/resolv.conf"), tmp.resolve("host-resolv.conf"));
        customizer.resetHostIdentity();
        customizer.writeRelease("0.1.0+0123abcd", "0123abcd4567");

        assertThat(root.resolve("etc/hostname")).hasContent("eflow");
        assertThat(Files.isSymbolicLink(root.resolve("etc/resolv.conf"))).isFalse();
        assertThat(tmp.resolve("host-resolv.conf")).doesNotExist();
        assertThat(root.resolve("etc/eflow-release"))
                .hasContent("NAME=eflow-guest\nVERSION=0.1.0+0123abcd\nBUILD_ID=0123abcd4567");
    }

    private int mode(String path) throws IOException {
        return (Integer) Files.getAttribute(root.resolve(path), "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }
}
