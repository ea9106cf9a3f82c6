package io.eflow.edge.agent;

import io.eflow.contract.manifest.HealthCheck;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ImageConfigTest {
    private static ImageConfig parse(String config) {
        return ImageConfig.parse(("{\"architecture\": \"amd64\", \"os\": \"linux\", \"config\": " + config + "}")
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheImagesHealthcheckWithDurationsInNanoseconds() {
        ImageConfig image = parse("""
                {"Cmd": ["/app/run"], "Healthcheck": {"Test": ["CMD-SHELL", "wget -q -O- localhost:8080/health"],
                  "Interval": 15000000000, "Timeout": 5000000000, "StartPeriod": 30000000000, "Retries": 2}}""");
        assertThat(image.healthcheck()).isEqualTo(new HealthCheck(List.of("CMD-SHELL", "wget -q -O- localhost:8080/health"),
                Duration.ofSeconds(15), Duration.ofSeconds(5), Duration.ofSeconds(30), 2));
    }

    @Test
    void whatIsMissingIsUnsetAndLeftToDockersDefaults() {
        assertThat(parse("{\"Cmd\": [\"/app/run\"]}").healthcheck()).isEqualTo(HealthCheck.UNSET);
        HealthCheck onlyTest = parse("{\"Healthcheck\": {\"Test\": [\"CMD\", \"/bin/check\"]}}").healthcheck();
        assertThat(onlyTest.withDefaults()).isEqualTo(new HealthCheck(List.of("CMD", "/bin/check"), Duration.ofSeconds(30),
                Duration.ofSeconds(30), Duration.ZERO, 3));
    }

    @Test
    void anImagesNoneMeansNoCheck() {
        // what `docker build` writes for HEALTHCHECK NONE, which turns off a base image's check
        assertThat(parse("{\"Healthcheck\": {\"Test\": [\"NONE\"]}}").healthcheck().command()).isEmpty();
    }
}
