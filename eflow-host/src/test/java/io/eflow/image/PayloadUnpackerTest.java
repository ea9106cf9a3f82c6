package io.eflow.image;

import io.eflow.platform.EflowException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The payload lands where the guest will look for it, and never outside the tree, whatever its symlinks say. */
class PayloadUnpackerTest {
    @TempDir
    Path tmp;

    private Path root;
    /** Stands in for the build host's own /etc: absolute symlinks in the tree name it. */
    private Path host;

    @BeforeEach
    void debianLikeTree() throws IOException {
        root = Files.createDirectories(tmp.resolve("rootfs"));
        host = Files.createDirectories(tmp.resolve("host-etc-runit-default"));
        Files.createDirectories(root.resolve("usr/lib"));
        Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
        Files.createDirectories(root.resolve("etc/runit/runsvdir"));
        // As in Debian's runit: /etc/service -> runit/runsvdir/current -> (absolute) the default service dir.
        Files.createSymbolicLink(root.resolve("etc/runit/runsvdir/current"), host);
        Files.createSymbolicLink(root.resolve("etc/service"), Path.of("runit/runsvdir/current"));
        Files.writeString(root.resolve("etc/motd"), "debian\n");
        Files.createSymbolicLink(root.resolve("etc/issue"), host.resolve("issue"));
    }

    @Test
    void followsTheTreesSymlinksInsideTheTreeOnly() throws IOException {
        byte[] tar = tar(
                dir("etc/service/"),
                file("etc/service/sshd/run", "#!/bin/sh\nexec sshd\n", 0755),
                file("lib/eflow/marker", "x", 0644));
        assertThat(PayloadUnpacker.unpack(new ByteArrayInputStream(tar), new Rootfs(root, false))).isEqualTo(3);

        Path landed = root.resolve(host.toString().substring(1)).resolve("sshd/run");
        assertThat(landed).hasContent("#!/bin/sh\nexec sshd");
        assertThat(Files.getPosixFilePermissions(landed)).hasSize(7);
        assertThat(root.resolve("usr/lib/eflow/marker")).exists();
        assertThat(Files.isSymbolicLink(root.resolve("lib"))).isTrue();
        try (var outside = Files.list(host)) {
            assertThat(outside).isEmpty();
        }
    }

    @Test
    void replacesFilesAndSymlinksInsteadOfWritingThroughThem() throws IOException {
        byte[] tar = tar(file("etc/issue", "eflow\n", 0644), file("etc/motd", "eflow guest\n", 0600));
        PayloadUnpacker.unpack(new ByteArrayInputStream(tar), new Rootfs(root, false));

        assertThat(Files.isSymbolicLink(root.resolve("etc/issue"))).isFalse();
        assertThat(root.resolve("etc/issue")).hasContent("eflow");
        assertThat(host.resolve("issue")).doesNotExist();
        assertThat(root.resolve("etc/motd")).hasContent("eflow guest");
        assertThat((Integer) Files.getAttribute(root.resolve("etc/motd"), "unix:mode") & 07777).isEqualTo(0600);
    }

    @Test
    void keepsExistingDirectoriesAndCreatesSymlinks() throws IOException {
        Files.setAttribute(root.resolve("etc"), "unix:mode", 0750);
        TarArchiveEntry link = new TarArchiveEntry("etc/eflow/current", TarArchiveEntry.LF_SYMLINK);
        link.setLinkName("/usr/lib/eflow");
        byte[] tar = tar(dir("etc/"), dir("etc/eflow/"), link);
        PayloadUnpacker.unpack(new ByteArrayInputStream(tar), new Rootfs(root, false));

        assertThat((Integer) Files.getAttribute(root.resolve("etc"), "unix:mode") & 07777).isEqualTo(0750);
        assertThat(Files.readSymbolicLink(root.resolve("etc/eflow/current"))).isEqualTo(Path.of("/usr/lib/eflow"));
        assertThat(Files.isDirectory(root.resolve("etc/eflow"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    @Test
    void refusesEntriesThatClimbOutOfTheTree() throws IOException {
        byte[] tar = tar(file("usr/../../escape", "x", 0644));
        assertThatThrownBy(() -> PayloadUnpacker.unpack(new ByteArrayInputStream(tar), new Rootfs(root, false)))
                .isInstanceOf(EflowException.class).hasMessageContaining("points outside the root filesystem");
        assertThat(tmp.resolve("escape")).doesNotExist();
    }

    @Test
    void refusesDeviceNodes() throws IOException {
        TarArchiveEntry device = new TarArchiveEntry("dev/evil", TarArchiveEntry.LF_CHR);
        byte[] tar = tar(device);
        assertThatThrownBy(() -> PayloadUnpacker.unpack(new ByteArrayInputStream(tar), new Rootfs(root, false)))
                .hasMessage("guest payload entry dev/evil is neither a file, a directory nor a symlink");
    }

    @Test
    void aSymlinkLoopIsAnErrorNotAHang() throws IOException {
        Files.createSymbolicLink(root.resolve("loop"), Path.of("/loop"));
        byte[] tar = tar(file("loop/x", "x", 0644));
        assertThatThrownBy(() -> PayloadUnpacker.unpack(new ByteArrayInputStream(tar), new Rootfs(root, false)))
                .hasMessageContaining("too many symlinks");
    }

    private static TarArchiveEntry dir(String name) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(040755);
        return e;
    }

    private record FileEntry(TarArchiveEntry entry, byte[] content) {
    }

    private static FileEntry file(String name, String content, int mode) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        e.setSize(bytes.length);
        e.setMode(0100000 | mode);
        return new FileEntry(e, bytes);
    }

    private static byte[] tar(Object... entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            for (Object o : entries) {
                if (o instanceof FileEntry f) {
                    out.putArchiveEntry(f.entry());
                    out.write(f.content());
                } else {
                    out.putArchiveEntry((TarArchiveEntry) o);
                }
                out.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }
}
