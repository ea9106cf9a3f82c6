package io.eflow.edge.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LayerExtractorTest {
    @TempDir
    Path dir;
    private final LayerExtractor extractor = new LayerExtractor();

    private Path root() {
        return dir.resolve("rootfs");
    }

    private void extract(byte[] layer) throws Exception {
        Path blob = Files.createTempFile(dir, "layer", "");
        Files.write(blob, layer);
        extractor.extract(blob, root());
    }

    @Test
    void aWhiteoutDeletesWhatTheLayerBelowPutThere() throws Exception {
        extract(new Tar().file("etc/a", "a").file("etc/b", "b").dir("opt/tree", 0755).file("opt/tree/x", "x").gzip());
        extract(new Tar().file("etc/.wh.a", "").file("opt/.wh.tree", "").gzip());

        assertThat(root().resolve("etc/a")).doesNotExist();
        assertThat(root().resolve("etc/b")).hasContent("b");
        assertThat(root().resolve("opt/tree")).doesNotExist();
        assertThat(root().resolve("opt")).isEmptyDirectory();
    }

    @Test
    void anOpaqueDirectoryKeepsOnlyThisLayersEntries() throws Exception {
        extract(new Tar().file("data/old1", "1").dir("data/sub", 0755).file("data/sub/old2", "2").file("keep", "k").tar());
        extract(new Tar().file("data/mine", "m").file("data/.wh..wh..opq", "").file("data/after", "a").tar());

        try (Stream<Path> data = Files.list(root().resolve("data"))) {
            assertThat(data.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("mine", "after");
        }
        assertThat(root().resolve("keep")).hasContent("k");
    }

    @Test
    void modesSymlinksAndHardLinksAreKept() throws Exception {
        extract(new Tar().dir("bin", 0555).file("bin/tool", "#!/bin/sh\n", 04755).symlink("bin/sh", "tool")
                .hardlink("bin/tool2", "bin/tool").symlink("abs", "/etc/passwd").gzip());

        assertThat(Files.getAttribute(root().resolve("bin/tool"), "unix:mode")).isEqualTo(0104755);
        assertThat(Files.getAttribute(root().resolve("bin"), "unix:mode")).isEqualTo(040555);
        assertThat(Files.readSymbolicLink(root().resolve("bin/sh"))).isEqualTo(Path.of("tool"));
        // A symlink's target is stored as given: it is only meaningful inside the container.
        assertThat(Files.readSymbolicLink(root().resolve("abs"))).isEqualTo(Path.of("/etc/passwd"));
        assertThat(Files.isSameFile(root().resolve("bin/tool"), root().resolve("bin/tool2"))).isTrue();
        assertThat(Files.getAttribute(root().resolve("bin/tool2"), "unix:nlink")).isEqualTo(2);
    }

    @Test
    void anUpperLayerReplacesAFileWithADirectoryAndALinkWithAFile() throws Exception {
        extract(new Tar().file("x", "file").symlink("y", "x").tar());
        extract(new Tar().dir("x", 0755).file("x/inner", "i").file("y", "now a file").tar());

        assertThat(root().resolve("x/inner")).hasContent("i");
        assertThat(Files.isSymbolicLink(root().resolve("y"))).isFalse();
        assertThat(root().resolve("y")).hasContent("now a file");
    }

    @Test
    void entriesEscapingTheRootAreRefused() throws Exception {
        assertEscapeRefused(new Tar().raw("/etc/evil").tar(), "absolute path");
        assertEscapeRefused(new Tar().raw("a/../../evil").tar(), "'..'");
        assertEscapeRefused(new Tar().symlink("link", dir.toString()).file("link/evil", "x").tar(), "symbolic link");
        assertEscapeRefused(new Tar().hardlink("evil", "../outside").tar(), "'..'");
        assertEscapeRefused(new Tar().file("a/.wh...", "").tar(), "whiteout");
        assertThat(dir.resolve("evil")).doesNotExist();
        assertThat(Path.of("/etc/evil")).doesNotExist();
    }

    private void assertEscapeRefused(byte[] layer, String why) {
        assertThatThrownBy(() -> extract(layer))
                .isInstanceOf(ImageException.class)
                .hasMessageContaining("outside the image root").hasMessageContaining(why);
    }

    @Test
    void zstdLayersAreRefusedClearly() throws Exception {
        byte[] zstd = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0, 0, 0, 0};
        assertThatThrownBy(() -> extract(zstd)).isInstanceOf(ImageException.class).hasMessageContaining("zstd");
    }
}
