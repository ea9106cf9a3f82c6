package io.eflow.backend;

import io.eflow.instance.model.Endpoint;
import io.eflow.instance.model.Endpoint.StaticAddress;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GuestResolverTest {
    private static final GuestResolver HOST_LINK = new GuestResolver(List.of("10.0.0.53"), List.of("search plant.example"), "eflow dns set");

    @Test
    void aDefaultRouteEndpointsServersComeFirstTheOthersAfterTheHostLinks() {
        List<Endpoint> endpoints = List.of(
                new Endpoint("iso", "iso", "efn1", "02:00:00:00:00:01", null, false, List.of("10.2.0.53")),
                new Endpoint("plant", "plant", "efn0", "02:00:00:00:00:02", new StaticAddress("10.1.0.20", 24, "10.1.0.1"), true,
                        List.of("10.1.0.53")));

        GuestResolver merged = HOST_LINK.with(endpoints);

        assertThat(merged.servers()).containsExactly("10.1.0.53", "10.0.0.53", "10.2.0.53");
        assertThat(merged.source()).isEqualTo("eflow dns set --endpoint plant, eflow dns set, eflow dns set --endpoint iso");
        assertThat(merged.otherLines()).as("the host's search line stays").containsExactly("search plant.example");
        assertThat(new String(merged.resolvConf())).startsWith("# written by eflow: eflow dns set --endpoint plant")
                .contains("nameserver 10.1.0.53\nnameserver 10.0.0.53\nnameserver 10.2.0.53\nsearch plant.example\n");
        assertThat(merged.unused()).isEmpty();
    }

    @Test
    void serversPastTheThirdAreReportedUnusedAndRepeatsCountOnce() {
        GuestResolver hostLink = new GuestResolver(List.of("10.0.0.53", "10.0.0.54"), List.of(), "the host's resolvers");
        List<Endpoint> endpoints = List.of(
                new Endpoint("a", "a", "efn0", "02:00:00:00:00:01", null, false, List.of("10.0.0.54", "10.3.0.53", "10.3.0.54")));

        GuestResolver merged = hostLink.with(endpoints);

        assertThat(merged.servers()).containsExactly("10.0.0.53", "10.0.0.54", "10.3.0.53");
        assertThat(merged.unused()).containsExactly("10.3.0.54");
    }

    @Test
    void withoutEndpointServersTheHostLinksStandAlone() {
        assertThat(HOST_LINK.with(List.of(new Endpoint("a", "a", "efn0", "02:00:00:00:00:01", null, true)))).isSameAs(HOST_LINK);
        GuestResolver none = new GuestResolver(List.of(), List.of(), "the host's resolvers");
        GuestResolver onlyEndpoint = none.with(List.of(new Endpoint("a", "a", "efn0", "02:00:00:00:00:01", null, false, List.of("10.3.0.53"))));
        assertThat(onlyEndpoint.servers()).containsExactly("10.3.0.53");
        assertThat(onlyEndpoint.source()).isEqualTo("eflow dns set --endpoint a");
    }
}
