package io.eflow.contract.manifest;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static io.eflow.contract.manifest.Manifests.FILTER;
import static io.eflow.contract.manifest.Manifests.FILTER_PATH;
import static io.eflow.contract.manifest.Manifests.filterWith;
import static io.eflow.contract.manifest.Manifests.json;
import static io.eflow.contract.manifest.Manifests.with;
import static org.assertj.core.api.Assertions.assertThat;

class HealthCheckTest {
    private static final HealthCheck IMAGE = new HealthCheck(List.of("CMD", "/bin/check", "--quick"), Duration.ofSeconds(10),
            Duration.ofSeconds(3), Duration.ofSeconds(20), 5);

    @Test
    void readsDockersHealthcheckWithDurationsInNanoseconds() {
        HealthCheck check = filterWith("""
                {"Healthcheck": {"Test": ["CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"],
                                 "Interval": 5000000000, "Timeout": 2000000000, "StartPeriod": 60000000000, "Retries": 4}}""")
                .healthcheck();
        assertThat(check).isEqualTo(new HealthCheck(List.of("CMD-SHELL", "curl -f http://localhost:8080/ || exit 1"),
                Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMinutes(1), 4));
        assertThat(check.command()).contains(List.of("/bin/sh", "-c", "curl -f http://localhost:8080/ || exit 1"));
    }

    @Test
    void readsFieldNamesIgnoringCaseAsDockerDoes() {
        assertThat(filterWith("{\"healthcheck\": {\"test\": [\"CMD\", \"/bin/true\"], \"interval\": 1000000}}").healthcheck())
                .isEqualTo(new HealthCheck(List.of("CMD", "/bin/true"), Duration.ofMillis(1), Duration.ZERO, Duration.ZERO, 0));
    }

    @Test
    void absentMeansTheImagesCheckAndADifferentCheckIsADifferentContainer() {
        assertThat(filterWith("{}").healthcheck()).isEqualTo(HealthCheck.UNSET);
        assertThat(filterWith("{\"Healthcheck\": null}").healthcheck()).isEqualTo(HealthCheck.UNSET);
        // createOptions compare as a whole when the agent decides whether to recreate a module
        assertThat(filterWith("{\"Healthcheck\": {\"Retries\": 2}}")).isNotEqualTo(filterWith("{\"Healthcheck\": {\"Retries\": 3}}"));
    }

    @Test
    void unknownFieldsAreWarnedAbout() {
        String options = "{\"Healthcheck\": {\"Test\": [\"CMD\", \"/bin/true\"], \"StartInterval\": 5000000000}}";
        assertThat(DeploymentManifest.parse(with(FILTER + "/settings/createOptions", json(options))).warnings())
                .contains(FILTER_PATH + ".settings.createOptions.Healthcheck.StartInterval: unknown field, ignored");
    }

    @Test
    void createOptionsOverrideTheImagesCheckFieldByField() {
        HealthCheck options = new HealthCheck(List.of(), Duration.ofSeconds(1), Duration.ZERO, Duration.ZERO, 1);
        assertThat(options.over(IMAGE)).isEqualTo(new HealthCheck(List.of("CMD", "/bin/check", "--quick"), Duration.ofSeconds(1),
                Duration.ofSeconds(3), Duration.ofSeconds(20), 1));
        assertThat(HealthCheck.UNSET.over(IMAGE)).isEqualTo(IMAGE);
        assertThat(IMAGE.over(HealthCheck.UNSET)).isEqualTo(IMAGE);
    }

    @Test
    void noneDisablesTheImagesCheck() {
        HealthCheck none = filterWith("{\"Healthcheck\": {\"Test\": [\"NONE\"]}}").healthcheck();
        assertThat(none.over(IMAGE).command()).isEmpty();
        assertThat(HealthCheck.UNSET.over(HealthCheck.UNSET).command()).as("no check anywhere").isEmpty();
    }

    @Test
    void dockersDefaultsFillWhatNobodySet() {
        HealthCheck check = new HealthCheck(List.of("CMD", "/bin/true"), Duration.ZERO, Duration.ZERO, Duration.ZERO, 0).withDefaults();
        assertThat(check.interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(check.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(check.startPeriod()).isZero();
        assertThat(check.retries()).isEqualTo(3);
        assertThat(IMAGE.withDefaults()).isEqualTo(IMAGE);
    }

    @Test
    void cmdRunsTheProgramAsGivenAndAnUnknownTypeInAnImageRunsNothing() {
        assertThat(IMAGE.command()).contains(List.of("/bin/check", "--quick"));
        HealthCheck odd = new HealthCheck(List.of("RUN", "/bin/check"), Duration.ZERO, Duration.ZERO, Duration.ZERO, 0);
        assertThat(odd.command()).isEqualTo(Optional.empty());
    }
}
