package io.eflow.boot;

import io.eflow.instance.model.InstanceLayout;
import io.eflow.instance.model.Slot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SlotRecordsTest {
    @TempDir
    Path tmp;

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSlotsVersionIsItsBundlesElseItsImagesWithoutBuildMetadata() {
        InstanceLayout layout = new InstanceLayout("x", tmp.resolve("state"), tmp.resolve("run"), tmp.resolve("log"));
        assertThat(SlotRecords.version(layout, Slot.B)).isEmpty();
        assertThat(SlotRecords.holdsImage(layout, Slot.B)).isFalse();

        String manifest = "{\"name\":\"eflow-guest\",\"version\":\"0.1.0+1a2b3c4d\",\"parts\":[]}";
        SlotRecords.record(layout, Slot.A, Map.of("manifest.json", utf8(manifest), "manifest.sig", utf8("{}")));
        assertThat(SlotRecords.version(layout, Slot.A)).contains("0.1.0");
        assertThat(SlotRecords.holdsImage(layout, Slot.A)).isTrue();

        SlotRecords.record(layout, Slot.B, Map.of("manifest.json", utf8(manifest), "manifest.sig", utf8("{}"),
                SlotRecords.BUNDLE, utf8("{\"format\":\"eflow-bundle/1\",\"version\":\"0.2.0\"}")));
        assertThat(SlotRecords.version(layout, Slot.B)).contains("0.2.0");

        // replaced whole: the old bundle record does not outlive a new image record
        SlotRecords.record(layout, Slot.B, Map.of("manifest.json", utf8(manifest), "manifest.sig", utf8("{}")));
        assertThat(SlotRecords.version(layout, Slot.B)).contains("0.1.0");
        SlotRecords.clear(layout, Slot.B);
        assertThat(SlotRecords.holdsImage(layout, Slot.B)).isFalse();
    }
}
