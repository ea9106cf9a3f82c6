package io.eflow.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageCacheTest {
    @TempDir
    Path cache;

    @Test
    void openingTheCacheClearsWhatAKilledBuildLeft() throws IOException {
        Path images = Files.createDirectories(cache.resolve("images"));
        Path half = Files.createDirectories(images.resolve(".tmp-0.1.0-abc-123/rootfs/usr"));
        Path base = Files.createDirectories(cache.resolve("base/.tmp-0123-456"));
        Files.writeString(base.resolve("base.tar"), "half a tar");
        Path finished = Files.createDirectories(images.resolve("0.1.0-abcdefabcdef"));

        try (ImageCache opened = ImageCache.open(cache, line -> { })) {
            assertThat(half.getParent().getParent()).doesNotExist();
            assertThat(base).doesNotExist();
            assertThat(finished).exists();
        }
    }

    @Test
    void publishIsAllOrNothingAndReplacesAnOlderEntry() throws IOException {
        Path parent = Files.createDirectories(cache.resolve("images"));
        Path target = parent.resolve("0.1.0-abcdefabcdef");
        Path first = AtomicDirs.createTemp(parent, "x");
        Files.writeString(first.resolve("manifest.json"), "one");
        AtomicDirs.publish(first, target);
        Path second = AtomicDirs.createTemp(parent, "x");
        Files.writeString(second.resolve("manifest.json"), "two");
        AtomicDirs.publish(second, target);

        assertThat(target.resolve("manifest.json")).hasContent("two");
        assertThat(first).doesNotExist();
        assertThat(second).doesNotExist();
        try (var entries = Files.list(parent)) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("0.1.0-abcdefabcdef");
        }
    }

    @Test
    void currentFollowsTheNewestAndPruningKeepsTwoPrevious() throws IOException {
        try (ImageCache images = ImageCache.open(cache, line -> { })) {
            Path[] folders = new Path[5];
            for (int i = 0; i < folders.length; i++) {
                folders[i] = Files.createDirectories(images.images().resolve("0.1.0-00000000000" + i));
                Files.setLastModifiedTime(folders[i], FileTime.fromMillis(1_000_000L * (i + 1)));
            }
            images.makeCurrent(folders[1]);
            assertThat(Files.readSymbolicLink(images.images().resolve("current"))).isEqualTo(folders[1].getFileName());

            List<Path> removed = images.prune();
            // Current (1, just used) stays, then the two most recent others (4, 3).
            assertThat(removed).containsExactlyInAnyOrder(folders[0], folders[2]);
            assertThat(folders[1]).exists();
            assertThat(folders[3]).exists();
            assertThat(folders[4]).exists();
        }
    }

    @Test
    void aSecondBuilderInThisProcessWaitsForTheFirst() throws Exception {
        try (ImageCache first = ImageCache.open(cache, line -> { })) {
            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
                try (ImageCache ignored = ImageCache.open(cache, line -> { })) {
                    // got the lock
                }
            });
            assertThatThrownBy(() -> second.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
            first.close();
            second.get(5, TimeUnit.SECONDS);
        }
    }
}
