package io.eflow.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
        // a secret written to a guest log must not come out in the bundle
        host.manager().invoke(guest, List.of("sudo", "sh", "-c",
                "echo 'connecting with HostName=hub;DeviceId=d;SharedAccessKey=c2VjcmV0LWtleQ==' >> /logs/sshd/current"),
                Duration.ofSeconds(10));
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
