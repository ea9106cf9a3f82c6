package io.eflow.contract.manifest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ImageReferenceTest {
    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    @ParameterizedTest
    @CsvSource({
            "alpine, docker.io/library/alpine:latest",
            "alpine:3.20, docker.io/library/alpine:3.20",
            "eclipse-mosquitto:2.0.18, docker.io/library/eclipse-mosquitto:2.0.18",
            "bitnami/redis, docker.io/bitnami/redis:latest",
            "docker.io/alpine, docker.io/library/alpine:latest",
            "index.docker.io/library/alpine:3, docker.io/library/alpine:3",
            "mcr.microsoft.com/azureiotedge-hub:1.5, mcr.microsoft.com/azureiotedge-hub:1.5",
            "localhost:5000/sensor, localhost:5000/sensor:latest",
            "localhost/sensor:v1, localhost/sensor:v1",
            "Registry.Example.com:443/team/sub_path/my.module__x:1.0-rc_1, Registry.Example.com:443/team/sub_path/my.module__x:1.0-rc_1",
            "10.0.0.5:5000/edge/filter:2, 10.0.0.5:5000/edge/filter:2"})
    void fillsInDockerHubDefaultsAndPrintsTheCanonicalForm(String text, String canonical) {
        assertThat(ImageReference.parse(text)).hasToString(canonical);
        assertThat(ImageReference.parse(canonical)).isEqualTo(ImageReference.parse(text));
    }

    @Test
    void aDigestPinsTheImageWithoutATag() {
        ImageReference pinned = ImageReference.parse("myacr.azurecr.io/filter@" + DIGEST);
        assertThat(pinned).isEqualTo(new ImageReference("myacr.azurecr.io", "filter", Optional.empty(), Optional.of(DIGEST)));
        assertThat(pinned).hasToString("myacr.azurecr.io/filter@" + DIGEST);
        assertThat(ImageReference.parse("filter:1.2@" + DIGEST)).hasToString("docker.io/library/filter:1.2@" + DIGEST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Alpine", "acr.io/Team/filter", "acr.io/", "acr.io//filter", "filter:", "filter:.hidden",
            "filter@sha256:ABC", "filter@md5:0123456789abcdef0123456789abcdef", "acr.io:0/filter", "_filter", "filter_",
            "a b"})
    void refusesWhatDockerRefuses(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> ImageReference.parse(text))
                .withMessageStartingWith("'" + text + "' is not an image reference");
    }

    @Test
    void refusesTagsLongerThan128Characters() {
        assertThatIllegalArgumentException().isThrownBy(() -> ImageReference.parse("acr.io/filter:" + "t".repeat(129)))
                .withMessageContaining("the tag must be 1-128");
        assertThat(ImageReference.parse("acr.io/filter:" + "t".repeat(128)).tag()).contains("t".repeat(128));
    }

    @Test
    void refusesNamesLongerThan255Characters() {
        assertThatIllegalArgumentException().isThrownBy(() -> ImageReference.parse("acr.io/" + "a".repeat(250)))
                .withMessageEndingWith("the name is longer than 255 characters");
    }
}
