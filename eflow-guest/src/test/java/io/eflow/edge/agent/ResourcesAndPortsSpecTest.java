package io.eflow.edge.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.contract.manifest.ContainerPort;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ResourcesAndPortsSpecTest extends SpecTest {
    @Test
    void memoryAndNanoCpusBecomeCgroupLimits() {
        fixture.createOptions = "{'HostConfig': {'Memory': 268435456, 'NanoCpus': 1500000000}}";
        JsonNode resources = fixture.spec().at("/linux/resources");

        assertThat(resources.at("/memory/limit").asLong()).isEqualTo(268_435_456L);
        assertThat(resources.at("/cpu/quota").asLong()).isEqualTo(150_000L);
        assertThat(resources.at("/cpu/period").asLong()).isEqualTo(100_000L);
        assertThat(resources.at("/pids/limit").asLong()).isEqualTo(4096);
    }

    @Test
    void noLimitsButThePidsOneWhenCreateOptionsGiveNone() {
        JsonNode resources = fixture.spec().at("/linux/resources");
        assertThat(resources.has("memory")).isFalse();
        assertThat(resources.has("cpu")).isFalse();
        assertThat(resources.at("/pids/limit").asLong()).isEqualTo(4096);
    }

    @Test
    void aTinyCpuShareStillGetsTheKernelsSmallestQuota() {
        fixture.createOptions = "{'HostConfig': {'NanoCpus': 1000}}";
        assertThat(fixture.spec().at("/linux/resources/cpu/quota").asLong()).isEqualTo(1000);
    }

    @Test
    void publishedAndExposedPortsComeBackBesideTheSpec() {
        fixture.createOptions = "{'ExposedPorts': {'8080/tcp': {}, '5353/udp': {}}, 'HostConfig': {'PortBindings':"
                + " {'8080/tcp': [{'HostPort': '18080'}, {'HostIp': '127.0.0.1', 'HostPort': '28080'}], '1883/tcp': [{}]}}}";
        ModuleSpec.Result result = fixture.render();

        assertThat(result.published()).containsExactly(
                new PublishedPort("", 18080, ContainerPort.parse("8080/tcp")),
                new PublishedPort("127.0.0.1", 28080, ContainerPort.parse("8080/tcp")),
                new PublishedPort("", 0, ContainerPort.parse("1883/tcp")));
        assertThat(result.exposed()).containsExactly(ContainerPort.parse("9000/tcp"), ContainerPort.parse("8080/tcp"),
                ContainerPort.parse("5353/udp"), ContainerPort.parse("1883/tcp"));
        assertThat(result.json()).doesNotContain("18080").doesNotContain("8080/tcp");
    }
}
