package io.eflow.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class StagingTest {
    @TempDir
    Path cache;

    @Test
    void smallTreesGoToRamAndLeaveNothingBehind() throws IOException {
        Path fallback = Files.createDirectories(cache.resolve("images/.tmp-x"));
        Path tree = Staging.createTree(cache, 1 << 20, fallback);
        assertThat(tree.getParent()).isEqualTo(Staging.ramFolder(cache));
        Files.writeString(tree.resolve("file"), "x");
        Staging.release(tree);
        assertThat(Staging.ramFolder(cache)).doesNotExist();
    }

    @Test
    void treesTooBigForRamStayNextToTheCache() throws IOException {
        Path buildFolder = Files.createDirectories(cache.resolve("images/.tmp-x"));
        Path tree = Staging.createTree(cache, Long.MAX_VALUE / 4, buildFolder);
        assertThat(tree).isEqualTo(buildFolder.resolve("rootfs"));
        Staging.release(tree);
        assertThat(tree).doesNotExist();
    }

    @Test
    void leftoversOfKilledBuildsAreClearedPerCache() throws IOException {
        Path tree = Staging.createTree(cache, 1 << 20, cache);
        Files.writeString(tree.resolve("file"), "x");
        Staging.removeLeftovers(cache.resolve("some-other-cache"));
        assertThat(tree).exists();
        Staging.removeLeftovers(cache);
        assertThat(Staging.ramFolder(cache)).doesNotExist();
    }
}
