package io.eflow.instance.model;

import io.eflow.platform.InvalidValue;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InstanceNameTest {
    @Test
    void theOnlyInstanceSegmentRoundTripsAndANameStaysAName() {
        assertThat(InstanceName.fromPathSegment(InstanceName.pathSegment(null))).isEmpty();
        assertThat(InstanceName.fromPathSegment(InstanceName.pathSegment("edge-01"))).contains(new InstanceName("edge-01"));
    }

    @Test
    void aSegmentThatIsNoNameIsRefusedAsTheNameValue() {
        assertThatThrownBy(() -> InstanceName.fromPathSegment("../etc")).isInstanceOfSatisfying(InvalidValue.class,
                e -> assertThat(e.fields()).containsExactly("name"));
    }

    @Test
    void theDefaultNameIsTheHostsFirstLabelAndFitsALabel() {
        assertThat(InstanceName.defaultFor("box.example.org").value()).isEqualTo("box-EFLOW");
        assertThat(InstanceName.defaultFor("a".repeat(70)).value()).hasSize(63).endsWith("-EFLOW");
    }
}
