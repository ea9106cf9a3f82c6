package io.eflow.it;

import io.eflow.image.ImageManifest;
import io.eflow.instance.Feature;
import io.eflow.instance.InstanceLayout;
import io.eflow.instance.PowerState;
import io.eflow.platform.EflowException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The dm-verity feature on the namespace backend: with it on, one flipped byte in the root slot's file data, its
 * file-system superblock or its hash tree stops the guest from starting, with a clear message; with it off, the
 * same tampered slot boots and the change goes unnoticed (as in the seeds, where verity is off by default).
 */
@ExtendWith(GuestFixture.class)
class VerityIT {
    private static final String GUEST = "it-verity";
    private static TestHost host;
    private static InstanceLayout layout;
    private static ImageManifest.Verity verity;

    @BeforeAll
    static void deploy(TestHost testHost) throws Exception {
        host = testHost;
        host.manager().deploy(TestHost.request(GUEST), line -> { });
        layout = InstanceLayout.of(host.paths(), GUEST);
        verity = ImageManifest.parse(Files.readAllBytes(layout.slotManifest("A"))).verity();
        host.manager().stop(GUEST);
    }

    @AfterAll
    static void remove() {
        host.manager().remove(GUEST);
    }

    private static void flip(long offset) throws Exception {
        try (RandomAccessFile slot = new RandomAccessFile(layout.rootSlot("A").toFile(), "rw")) {
            slot.seek(offset);
            int value = slot.read();
            slot.seek(offset);
            slot.write(value ^ 0x01);
        }
    }

    @Test
    void aFlippedByteAnywhereStopsTheStartWhenVerityIsOn() throws Exception {
        assertThat(host.manager().setFeature(GUEST, Feature.DM_VERITY, true).enabled()).isTrue();
        assertThat(host.manager().feature(GUEST, Feature.DM_VERITY).enabled()).isTrue();
        long dataBytes = verity.dataBlocks() * 4096;
        Map<String, Long> places = Map.of(
                "file data", dataBytes / 2 + 123,
                "erofs superblock", 1024L + 8,
                "hash tree", verity.hashOffset() + 77);
        for (var place : places.entrySet()) {
            flip(place.getValue());
            try {
                assertThatThrownBy(() -> host.manager().start(GUEST))
                        .as(place.getKey())
                        .isInstanceOf(EflowException.class)
                        .hasMessageContaining("dm-verity: root slot A does not match its signed root hash");
                assertThat(host.manager().get(GUEST).powerState()).isEqualTo(PowerState.STOPPED);
            } finally {
                flip(place.getValue());
            }
        }
        host.manager().start(GUEST); // the untouched slot passes
        assertThat(host.manager().invoke(GUEST, List.of("true"), Duration.ofSeconds(10)).exitCode()).isZero();
        host.manager().stop(GUEST);
    }

    @Test
    void withVerityOffTheSameTamperingGoesUnnoticed() throws Exception {
        host.manager().setFeature(GUEST, Feature.DM_VERITY, false);
        long offset = verity.dataBlocks() * 4096 / 2 + 123;
        flip(offset);
        try {
            host.manager().start(GUEST);
            assertThat(host.manager().invoke(GUEST, List.of("echo", "booted"), Duration.ofSeconds(10)).stdoutText()).contains("booted");
            host.manager().stop(GUEST);
        } finally {
            flip(offset);
        }
    }

    @Test
    void unknownFeaturesAreRefused() {
        assertThatThrownBy(() -> host.manager().setFeature(GUEST, "turbo", true)).hasMessageContaining("unknown feature 'turbo'");
    }
}
