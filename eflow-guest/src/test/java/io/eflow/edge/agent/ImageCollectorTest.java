package io.eflow.edge.agent;

import io.eflow.edge.image.BlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import static org.assertj.core.api.Assertions.assertThat;

class ImageCollectorTest {
    @TempDir
    Path dir;

    private static String digest(byte[] content) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }

    /** Stores a one-layer image under {@code reference}; returns its layer's digest. */
    private static String image(BlobStore store, String reference) throws Exception {
        byte[] layer = ("layer of " + reference).getBytes(StandardCharsets.UTF_8);
        byte[] config = "{\"config\":{}}".getBytes(StandardCharsets.UTF_8);
        String layerDigest = digest(layer);
        store.put(layerDigest, layer, "layer");
        store.put(digest(config), config, "config");
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + digest(config)
                + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\","
                + "\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
        store.put(digest(manifest), manifest, "manifest");
        store.record(reference, digest(manifest));
        return layerDigest;
    }

    @Test
    void anImageADeploymentDroppedIsDeletedOnlyAfterTheThresholdAndNotWhileInUse() throws Exception {
        BlobStore store = new BlobStore(dir.resolve("images"));
        String oldLayer = image(store, "example.com/old:1");
        String keptLayer = image(store, "example.com/kept:1");
        image(store, "example.com/loaded:1");
        ImageCollector collector = new ImageCollector(dir.resolve("agent/retired.json"), store,
                new ImageRoots(dir.resolve("rootfs"), store), new ReentrantReadWriteLock(), Duration.ofDays(7));
        Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
        collector.deployed(Set.of("example.com/old:1", "example.com/kept:1"), Set.of("example.com/kept:1"), t0);

        assertThat(collector.collect(t0.plus(Duration.ofDays(6)), Set.of())).isEmpty();
        assertThat(collector.collect(t0.plus(Duration.ofDays(8)), Set.of("example.com/old:1"))).as("still running").isEmpty();
        assertThat(collector.collect(t0.plus(Duration.ofDays(8)), Set.of())).containsExactly("example.com/old:1");

        assertThat(store.images()).containsOnlyKeys("example.com/kept:1", "example.com/loaded:1");
        assertThat(store.has(oldLayer)).isFalse();
        assertThat(store.has(keptLayer)).isTrue();
        assertThat(Files.readString(dir.resolve("agent/retired.json"))).doesNotContain("old");
    }

    @Test
    void anImageDeployedAgainStopsAgeing() throws Exception {
        BlobStore store = new BlobStore(dir.resolve("images"));
        image(store, "example.com/app:1");
        ImageCollector collector = new ImageCollector(dir.resolve("agent/retired.json"), store,
                new ImageRoots(dir.resolve("rootfs"), store), new ReentrantReadWriteLock(), Duration.ofDays(7));
        Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
        collector.deployed(Set.of("example.com/app:1"), Set.of(), t0);
        collector.deployed(Set.of(), Set.of("example.com/app:1"), t0.plus(Duration.ofDays(1)));
        assertThat(collector.collect(t0.plus(Duration.ofDays(30)), Set.of())).isEmpty();
        assertThat(store.images()).containsKey("example.com/app:1");
    }
}
