package io.eflow.update;

import io.eflow.platform.EflowException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SemverTest {
    @Test
    void parsesStrictMajorMinorPatch() {
        assertThat(Semver.parse("1.2.3")).isEqualTo(new Semver(1, 2, 3));
        assertThat(Semver.parse("0.10.0").toString()).isEqualTo("0.10.0");
    }

    @Test
    void refusesAnythingElseInOneLine() {
        for (String bad : new String[] {"1.2", "1.2.3.4", "v1.2.3", "1.2.3-rc1", "01.2.3", "1..3", "", " 1.2.3", "1.2.x", "99999999999.0.0"}) {
            assertThatThrownBy(() -> Semver.parse(bad)).as(bad)
                    .isInstanceOf(EflowException.class)
                    .hasMessage("version '" + bad + "' is not MAJOR.MINOR.PATCH");
        }
        assertThatThrownBy(() -> Semver.parse(null)).hasMessage("version 'null' is not MAJOR.MINOR.PATCH");
    }

    @Test
    void imageVersionsDropTheirBuildMetadata() {
        assertThat(Semver.ofImageVersion("0.1.0+1a2b3c4d")).isEqualTo(new Semver(0, 1, 0));
        assertThat(Semver.ofImageVersion("2.0.1")).isEqualTo(new Semver(2, 0, 1));
        assertThatThrownBy(() -> Semver.ofImageVersion("0.1+1a2b")).hasMessage("version '0.1' is not MAJOR.MINOR.PATCH");
    }

    @Test
    void ordersByMajorThenMinorThenPatch() {
        List<Semver> versions = new ArrayList<>(List.of(Semver.parse("1.10.0"), Semver.parse("1.2.10"), Semver.parse("0.9.9"),
                Semver.parse("1.2.9"), Semver.parse("2.0.0")));
        Collections.sort(versions);
        assertThat(versions).extracting(Semver::toString).containsExactly("0.9.9", "1.2.9", "1.2.10", "1.10.0", "2.0.0");
        assertThat(Semver.parse("1.2.3")).isEqualByComparingTo(new Semver(1, 2, 3));
    }

    @Test
    void onlyTheNextPatchMinorOrMajorIsNext() {
        Semver installed = Semver.parse("1.2.3");
        assertThat(Semver.parse("1.2.4").isNextAfter(installed)).isTrue();
        assertThat(Semver.parse("1.3.0").isNextAfter(installed)).isTrue();
        assertThat(Semver.parse("2.0.0").isNextAfter(installed)).isTrue();

        assertThat(Semver.parse("1.2.5").isNextAfter(installed)).as("skips a patch").isFalse();
        assertThat(Semver.parse("1.3.1").isNextAfter(installed)).as("minor without patch 0").isFalse();
        assertThat(Semver.parse("1.4.0").isNextAfter(installed)).isFalse();
        assertThat(Semver.parse("2.0.1").isNextAfter(installed)).isFalse();
        assertThat(Semver.parse("2.1.0").isNextAfter(installed)).isFalse();
        assertThat(Semver.parse("3.0.0").isNextAfter(installed)).isFalse();
        assertThat(Semver.parse("1.2.3").isNextAfter(installed)).as("the same").isFalse();
        assertThat(Semver.parse("1.2.2").isNextAfter(installed)).as("older").isFalse();
    }
}
