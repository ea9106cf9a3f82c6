package io.eflow.samples.base;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DockerArchiveTest {
    private static final Instant TIME = Instant.parse("2025-01-01T00:00:00Z");

    @TempDir
    Path temp;

    @BeforeEach
    void hostFiles() throws IOException {
        Path bin = Files.createDirectories(temp.resolve("runtime/bin"));
        Path java = Files.writeString(bin.resolve("java"), "#!launcher");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(temp.resolve("runtime/release"), "JAVA_VERSION=\"17\"");
        Files.createSymbolicLink(temp.resolve("runtime/LICENSE"), Path.of("release"));
        Files.writeString(temp.resolve("libc.so.6"), "ELF");
    }

    private LayerContents contents() throws IOException {
        return new LayerContents().tree("/opt/java", temp.resolve("runtime"))
                .file("/lib/x86_64-linux-gnu/libc.so.6", temp.resolve("libc.so.6"), 0755)
                .file("/etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\n", 0644)
                .directory("/tmp", 01777);
    }

    /** name → "type mode size [link]" of every entry of a tar stream. */
    private static Map<String, String> list(InputStream in) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
            assertThat(entry.getModTime().toInstant()).isEqualTo(TIME);
            assertThat(entry.getLongUserId()).isZero();
            String type = entry.isDirectory() ? "d" : entry.isSymbolicLink() ? "l" : "f";
            entries.put(entry.getName(), type + " " + Integer.toOctalString(entry.getMode() & 07777) + " "
                    + entry.getSize() + (entry.isSymbolicLink() ? " -> " + entry.getLinkName() : ""));
        }
        return entries;
    }

    @Test
    void theLayerHasEveryParentDirectoryInOrderAndKeepsModesAndLinks() throws Exception {
        Path layer = temp.resolve("layer.tar.gz");
        DockerArchive.writeLayer(contents(), TIME, layer);

        try (InputStream in = new GZIPInputStream(Files.newInputStream(layer))) {
            assertThat(list(in)).containsExactly(
                    Map.entry("etc/", "d 755 0"),
                    Map.entry("etc/passwd", "f 644 36"),
                    Map.entry("lib/", "d 755 0"),
                    Map.entry("lib/x86_64-linux-gnu/", "d 755 0"),
                    Map.entry("lib/x86_64-linux-gnu/libc.so.6", "f 755 3"),
                    Map.entry("opt/", "d 755 0"),
                    Map.entry("opt/java/", "d 755 0"),
                    Map.entry("opt/java/LICENSE", "l 777 0 -> release"),
                    Map.entry("opt/java/bin/", "d 755 0"),
                    Map.entry("opt/java/bin/java", "f 755 10"),
                    Map.entry("opt/java/release", "f 644 17"),
                    Map.entry("tmp/", "d 1777 0"));
        }
    }

    @Test
    void theDiffIdIsTheDigestOfTheUncompressedLayerAndTheSameContentsGiveTheSameBytes() throws Exception {
        Path first = temp.resolve("first.tar.gz");
        Path second = temp.resolve("second.tar.gz");
        String diffId = DockerArchive.writeLayer(contents(), TIME, first);
        assertThat(DockerArchive.writeLayer(contents(), TIME, second)).isEqualTo(diffId);

        assertThat(Files.readAllBytes(second)).isEqualTo(Files.readAllBytes(first));
        byte[] uncompressed;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(first))) {
            uncompressed = in.readAllBytes();
        }
        assertThat(diffId).isEqualTo("sha256:"
                + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(uncompressed)));
        assertThat(contents().fingerprint("x")).isEqualTo(contents().fingerprint("x"))
                .isNotEqualTo(contents().fingerprint("y"));
    }

    @Test
    void theArchiveIsWhatJibReadsFromATarBase() throws Exception {
        Path layer = temp.resolve("layer.tar.gz");
        String diffId = DockerArchive.writeLayer(contents(), TIME, layer);
        String config = JreBaseImage.config(List.of("java.base"), Path.of("/jdk"), TIME)
                .replace("@DIFF_ID@", diffId);
        Path archive = temp.resolve("base.tar");

        DockerArchive.write(archive, layer, config, "eflow-samples/jre-base:0.1.0", TIME);

        Map<String, String> files = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(archive))) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                tar.transferTo(bytes);
                files.put(entry.getName(), entry.getName().endsWith(".json")
                        ? bytes.toString(StandardCharsets.UTF_8) : bytes.size() + " bytes");
            }
        }
        assertThat(files).containsOnlyKeys("manifest.json", "config.json", "layer.tar.gz");
        assertThat(files.get("manifest.json")).isEqualTo("[{\"Config\":\"config.json\","
                + "\"RepoTags\":[\"eflow-samples/jre-base:0.1.0\"],\"Layers\":[\"layer.tar.gz\"]}]\n");
        assertThat(files.get("config.json"))
                .contains("\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]}")
                .contains("\"PATH=/opt/java/bin:")
                .contains("\"os\":\"linux\"");
        assertThat(files.get("layer.tar.gz")).isEqualTo(Files.size(layer) + " bytes");
        assertThat(temp.resolve("base.tar.partial")).doesNotExist();
    }

    @Test
    void pathsStayInsideTheImage() {
        assertThatThrownBy(() -> new LayerContents().file("/etc/../../host", "x", 0644))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LayerContents().directory("/", 0755))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jsonStringsAreEscaped() {
        assertThat(Json.string("a\"b\\c\nd\u0001")).isEqualTo("\"a\\\"b\\\\c\\nd\\u0001\"");
    }
}
