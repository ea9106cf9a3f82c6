package io.eflow.edge.image;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A layer blob from a registry or an image tarball, unpacked over a root that already holds what a lower layer may
 * leave: symbolic links out of the root (relative and absolute) and a file. Whatever the blob holds (names with
 * {@code ..}, absolute names, paths through links, hard links, whiteouts, huge or broken headers, gzip or not), the
 * extractor either unpacks it or refuses it with an {@link ImageException} of one line, and the file system beside the root is
 * as it was: the file there is unchanged, has no second link, and nothing was added next to it.
 */
class LayerExtractorFuzzTest {
    private static final String CANARY = "not to be touched by a layer";
    private final LayerExtractor extractor = new LayerExtractor();

    @FuzzTest(maxDuration = "30s")
    void layers(byte[] blob) throws IOException {
        Path sandbox = Files.createTempDirectory("layer-fuzz");
        try {
            Path outside = Files.createDirectory(sandbox.resolve("outside"));
            Path canary = Files.writeString(outside.resolve("canary"), CANARY);
            Path root = Files.createDirectory(sandbox.resolve("root"));
            Files.createSymbolicLink(root.resolve("up"), Path.of("../outside"));
            Files.createSymbolicLink(root.resolve("abs"), outside);
            Files.createDirectories(root.resolve("etc"));
            Files.writeString(root.resolve("etc/hostname"), "lower layer");
            Path layer = Files.write(sandbox.resolve("layer.tar"), blob);

            try {
                extractor.extract(layer, root);
            } catch (ImageException e) {
                assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
            }

            assertThat(names(sandbox)).containsExactlyInAnyOrder("outside", "root", "layer.tar");
            assertThat(names(outside)).containsExactly("canary");
            assertThat(Files.isSymbolicLink(canary)).isFalse();
            assertThat(Files.readString(canary, StandardCharsets.UTF_8)).isEqualTo(CANARY);
            assertThat(Files.getAttribute(canary, "unix:nlink")).as("links to the file outside").isEqualTo(1);
            assertThat(Files.getAttribute(layer, "unix:nlink")).as("links to the layer blob").isEqualTo(1);
        } finally {
            deleteTree(sandbox);
        }
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(path -> path.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    /** Deletes without following links, first making each directory writable (a layer may have made it 0000). */
    static void deleteTree(Path top) throws IOException {
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                Files.setAttribute(dir, "unix:mode", 0700);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
