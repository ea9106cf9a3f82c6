package io.eflow.image;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The payload embedded in eflow-host, as the eflow-guest build assembled it. */
class GuestPayloadTest {
    @Test
    void carriesTheRuntimeJarItsLibrariesAndTheOverlayWithFixedModes() throws IOException {
        GuestPayload payload = GuestPayload.bundled();
        Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(payload.open())) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                entries.put(entry.getName(), entry);
            }
        }
        assertThat(entries).containsKeys("usr/lib/eflow/guest/eflow-guest.jar", "usr/lib/eflow/bin/eflow-release");
        assertThat(entries.keySet()).anyMatch(n -> n.matches("usr/lib/eflow/guest/lib/jackson-databind-.*\\.jar"));

        Instant buildTime = BuildInfo.load().timestamp();
        for (TarArchiveEntry e : entries.values()) {
            String name = e.getName();
            int mode = e.getMode() & 07777;
            assertThat(e.getLongUserId()).as(name).isZero();
            assertThat(e.getLongGroupId()).as(name).isZero();
            assertThat(e.getModTime().toInstant()).as(name + " mtime").isEqualTo(buildTime);
            if (e.isDirectory()) {
                assertThat(mode).as(name).isEqualTo(0755);
            } else {
                assertThat(mode).as(name).isEqualTo(expectedFileMode(name));
            }
        }
    }

    @Test
    void hashIsOverTheExactBytes() {
        GuestPayload payload = GuestPayload.bundled();
        assertThat(payload.sha256()).isEqualTo(FileDigests.sha256(payload.tar()));
        byte[] changed = payload.tar().clone();
        changed[600] ^= 1;
        assertThat(GuestPayload.of(changed).sha256()).isNotEqualTo(payload.sha256());
    }

    /** The rule of DESIGN (and the assembly descriptor): executables are tools, runit stages and service scripts. */
    private static int expectedFileMode(String name) {
        String base = name.substring(name.lastIndexOf('/') + 1);
        boolean executable = name.startsWith("usr/lib/eflow/bin/") || name.startsWith("etc/runit/")
                || base.equals("run") || base.equals("finish");
        return executable ? 0755 : 0644;
    }
}
