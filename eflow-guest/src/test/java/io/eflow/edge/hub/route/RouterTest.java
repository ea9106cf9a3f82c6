package io.eflow.edge.hub.route;

import io.eflow.contract.route.Route;
import io.eflow.edge.hub.message.MessageSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.eflow.edge.hub.route.Messages.message;
import static org.assertj.core.api.Assertions.assertThat;

/** Which routes take a message, one per sink. */
class RouterTest {

    @Test
    void eachMessageGoesWhereItsSourceAndConditionLeadIt() {
        Router router = router(
                route("toFilter", "FROM /messages/modules/sensor/outputs/temperatureOutput INTO BrokeredEndpoint(\"/modules/filter/inputs/in\")"),
                route("hot", "FROM /messages/modules/sensor/* WHERE $body.t > 30 INTO BrokeredEndpoint(\"/modules/alarm/inputs/in\")"),
                route("filtered", "FROM /messages/modules/filter/outputs/* INTO $upstream"),
                route("leaf", "FROM /messages/* WHERE NOT IS_DEFINED($connectionModuleId) INTO $upstream"));

        assertThat(names(router.match(message().json("{\"t\": 20}").system("connectionModuleId", "sensor").build())))
                .containsExactly("toFilter");
        assertThat(names(router.match(message().json("{\"t\": 35}").system("connectionModuleId", "sensor").build())))
                .containsExactly("toFilter", "hot");
        assertThat(names(router.match(message().from(MessageSource.module("filter", "out")).system("connectionModuleId", "filter").build())))
                .containsExactly("filtered");
        assertThat(names(router.match(message().from(MessageSource.device()).system("connectionDeviceId", "leaf1").build())))
                .containsExactly("leaf");
        assertThat(router.match(message().from(MessageSource.twinChange()).build())).isEmpty();
    }

    @Test
    void aMessageReachesASinkOnceByTheHighestPriorityRoute() {
        Router router = router(
                route("bulk", "FROM /messages/* INTO $upstream", Route.DEFAULT_PRIORITY, 7200),
                route("low", "FROM /messages/* INTO $upstream", 9, 60),
                route("alerts", "FROM /messages/* WHERE severity >= 4 INTO $upstream", 0, 30),
                route("other", "FROM /messages/* INTO BrokeredEndpoint(\"/modules/m/inputs/i\")", 5, 10));

        assertThat(names(router.match(message().property("severity", "5").build()))).containsExactly("alerts", "other");
        assertThat(names(router.match(message().property("severity", "1").build()))).containsExactly("low", "other");
    }

    @Test
    void atEqualPriorityTheLongerTimeToLiveWinsThenTheFirstRoute() {
        Router router = router(
                route("short", "FROM /* INTO $upstream", 3, 60),
                route("long", "FROM /messages/* INTO $upstream", 3, 600),
                route("sameAsLong", "FROM /messages/modules/* INTO $upstream", 3, 600));

        assertThat(router.match(message().build())).singleElement()
                .satisfies(r -> assertThat(r.name()).isEqualTo("long"))
                .satisfies(r -> assertThat(r.timeToLiveSecs()).isEqualTo(600));
    }

    @Test
    void sinksEqualByModuleAndInput() {
        Router router = router(
                route("a", "FROM /* INTO BrokeredEndpoint(\"/modules/m/inputs/i\")", 2, 1),
                route("b", "FROM /* INTO BrokeredEndpoint('/MODULES/m/INPUTS/i')", 1, 1),
                route("c", "FROM /* INTO BrokeredEndpoint(\"/modules/m/inputs/j\")", 2, 1));

        assertThat(names(router.match(message().build()))).containsExactly("b", "c");
    }

    @Test
    void routeMatchingAloneAgreesWithTheRouter() {
        Route route = route("r", "FROM /messages/modules/sensor/* WHERE temperature > 30 INTO $upstream");
        assertThat(Router.takes(route, message().property("temperature", "31").build())).isTrue();
        assertThat(Router.takes(route, message().property("temperature", "29").build())).isFalse();
        assertThat(Router.takes(route, message().property("temperature", "31").from(MessageSource.device()).build())).isFalse();
    }

    private static Router router(Route... routes) {
        return new Router(List.of(routes));
    }

    private static Route route(String name, String text) {
        return route(name, text, Route.DEFAULT_PRIORITY, 7200);
    }

    private static Route route(String name, String text, int priority, long timeToLive) {
        return Route.parse(name, text, priority, timeToLive);
    }

    private static List<String> names(List<Route> routes) {
        return routes.stream().map(Route::name).toList();
    }
}
