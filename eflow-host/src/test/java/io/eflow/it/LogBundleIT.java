package io.eflow.it;

import io.eflow.channel.CommandResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Get-EflowLogs: the bundle has the daemon's and the guest's logs and the configuration, and no secret at all. */
@BothBackends
class LogBundleIT {
    @Parameter
    String backend;

    @Test
    void theBundleCarriesLogsButNoKeyOrSecret(TestHost host) throws IOException {
        String guest = host.sharedGuest(backend);
        // a secret written to a guest log must not come out in the bundle; the line is unique to this run and read
        // back, so "not in the bundle" cannot hold merely because the write failed
        String line = "connecting " + UUID.randomUUID() + " with HostName=hub;DeviceId=d;SharedAccessKey=";
        CommandResult planted = host.manager().invoke(guest, List.of("sudo", "sh", "-c",
                "echo '" + line + "c2VjcmV0LWtleQ==' >> /logs/sshd/current && grep -F '" + line + "c2VjcmV0LWtleQ==' /logs/sshd/current"),
                Duration.ofSeconds(10));
        assertThat(planted.exitCode()).as("planting the secret: " + planted.stderrText()).isZero();
        Path zip = Files.createTempFile("eflow-logs", ".zip");
        try {
            host.manager().logs(guest, zip);
            List<String> names = new ArrayList<>();
            StringBuilder all = new StringBuilder();
            try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
                ZipEntry entry;
                while ((entry = in.getNextEntry()) != null) {
                    names.add(entry.getName());
                    all.append(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
                }
            }
            assertThat(names).contains("instance/config.json", "guest/logs/sshd/current", "host/" + guest + "/console.log");
            String text = all.toString();
            assertThat(text).as("the planted line reached the bundle, its key redacted").contains(line + "[redacted]");
            assertThat(text).doesNotContain("PRIVATE KEY", "c2VjcmV0LWtleQ==");
            for (Path secret : List.of(host.paths().userCa().resolve("user_ca"))) {
                String body = Files.readString(secret).lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
                assertThat(text).doesNotContain(body);
            }
        } finally {
            Files.deleteIfExists(zip);
        }
    }
}
