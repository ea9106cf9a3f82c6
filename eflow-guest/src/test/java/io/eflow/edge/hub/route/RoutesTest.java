package io.eflow.edge.hub.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Routes read from $edgeHub's desired properties: strings, objects with priority and time-to-live, and refusals. */
class RoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void stringsAndObjectsAreReadInDocumentOrder() {
        List<Route> routes = Routes.parse(json("""
                {"alerts": {"route": "FROM /messages/modules/sensor/outputs/alerts INTO $upstream", "priority": 0, "timeToLiveSecs": 86400},
                 "telemetry": {"route": "FROM /messages/modules/sensor/outputs/telemetry INTO $upstream", "priority": 9},
                 "toFilter": "FROM /messages/modules/sensor/outputs/* WHERE $body.t > 30 INTO BrokeredEndpoint(\\"/modules/filter/inputs/in\\")",
                 "unset": {"route": "FROM /* INTO $upstream", "priority": null, "timeToLiveSecs": 0}}"""), 600);

        assertThat(routes).extracting(Route::name).containsExactly("alerts", "telemetry", "toFilter", "unset");
        assertThat(routes).extracting(Route::priority).containsExactly(0, 9, Route.DEFAULT_PRIORITY, Route.DEFAULT_PRIORITY);
        assertThat(routes).extracting(Route::timeToLiveSecs).containsExactly(86400L, 600L, 600L, 600L);
        assertThat(routes.get(0).source()).isEqualTo(new Source.ModuleOutput("sensor", "alerts"));
        assertThat(routes.get(2).condition()).map(Condition::text).hasValue("$body.t > 30");
        assertThat(routes.get(2).sink()).isEqualTo(new Sink.ModuleInput("filter", "in"));
    }

    @Test
    void withoutStoreAndForwardTheTimeToLiveIsTwoHours() {
        assertThat(Routes.parse(json("{\"r\": \"FROM /* INTO $upstream\"}"))).extracting(Route::timeToLiveSecs).containsExactly(7200L);
    }

    @Test
    void noRoutesIsAnEmptyList() {
        assertThat(Routes.parse(null)).isEmpty();
        assertThat(Routes.parse(NullNode.getInstance())).isEmpty();
        assertThat(Routes.parse(json("{}"))).isEmpty();
    }

    @Test
    void aBadRouteIsNamedByItsPathAndTheColumnOfTheMistake() {
        RouteException e = catchThrowableOfType(RouteException.class, () ->
                Routes.parse(json("{\"ok\": \"FROM /* INTO $upstream\", \"r1\": \"FROM /messages/* WHERE a = 'bcd' INT $upstream\"}")));
        assertThat(e.getMessage()).isEqualTo("routes.r1: at column 34: expected INTO, found 'INT'");
        assertThat(e.path()).isEqualTo("routes.r1");
        assertThat(e.column()).isEqualTo(34);
        assertThat(e.under("$edgeHub.properties.desired").getMessage())
                .isEqualTo("$edgeHub.properties.desired.routes.r1: at column 34: expected INTO, found 'INT'");
    }

    @Test
    void aBadRouteObjectIsNamedByItsRouteField() {
        RouteException e = catchThrowableOfType(RouteException.class, () ->
                Routes.parse(json("{\"r1\": {\"route\": \"FROM /messages/* INTO $upstreams\", \"priority\": 1}}")));
        assertThat(e.getMessage()).startsWith("routes.r1.route: at column 23: expected a sink");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            []                                                       | routes       | must be an object of routes by name, not an array
            {"r1": ["FROM /* INTO $upstream"]}                       | routes.r1    | must be a route string or an object {"route": "FROM … INTO …", "priority": 0-9, "timeToLiveSecs": …}, not an array
            {"r1": null}                                             | routes.r1    | must be a route string or an object {"route": "FROM … INTO …", "priority": 0-9, "timeToLiveSecs": …}, not null
            {"r1": 5}                                                | routes.r1    | must be a route string or an object {"route": "FROM … INTO …", "priority": 0-9, "timeToLiveSecs": …}, not the number 5
            {"r1": "  "}                                             | routes.r1    | must not be empty: a route is FROM … INTO …
            {"": "FROM /* INTO $upstream"}                           | routes.      | route names must not be empty
            {"r1": {"priority": 1}}                                  | routes.r1.route | is required: the route's text, FROM … INTO …
            {"r1": {"route": 7}}                                     | routes.r1.route | must be a string, not the number 7
            {"r1": {"route": ""}}                                    | routes.r1.route | must not be empty: a route is FROM … INTO …
            {"r1": {"route": "FROM /* INTO $upstream", "priority": "high"}} | routes.r1.priority | must be an integer from 0 to 9, not a string
            {"r1": {"route": "FROM /* INTO $upstream", "priority": 10}}     | routes.r1.priority | must be an integer from 0 to 9, not 10
            {"r1": {"route": "FROM /* INTO $upstream", "priority": -1}}     | routes.r1.priority | must be an integer from 0 to 9, not -1
            {"r1": {"route": "FROM /* INTO $upstream", "priority": 1.5}}    | routes.r1.priority | must be an integer from 0 to 9, not 1.5
            {"r1": {"route": "FROM /* INTO $upstream", "priority": true}}   | routes.r1.priority | must be an integer from 0 to 9, not true
            {"r1": {"route": "FROM /* INTO $upstream", "timeToLiveSecs": "1h"}}       | routes.r1.timeToLiveSecs | must be an integer from 0 to 4294967295, not a string
            {"r1": {"route": "FROM /* INTO $upstream", "timeToLiveSecs": -5}}         | routes.r1.timeToLiveSecs | must be an integer from 0 to 4294967295, not -5
            {"r1": {"route": "FROM /* INTO $upstream", "timeToLiveSecs": 4294967296}} | routes.r1.timeToLiveSecs | must be an integer from 0 to 4294967295, not 4294967296
            """)
    void badValuesAreRefusedByPath(String routes, String path, String problem) {
        RouteException e = catchThrowableOfType(RouteException.class, () -> Routes.parse(json(routes)));
        assertThat(e).as(routes).isNotNull();
        assertThat(e.path()).isEqualTo(path);
        assertThat(e.problem()).isEqualTo(problem);
        assertThat(e.column()).isZero();
        assertThat(e.getMessage()).isEqualTo(path + ": " + problem);
    }

    @Test
    void theQuickstartDeploymentsRoutesParse() {
        JsonNode hub = quickstart().at("/modulesContent/$edgeHub/properties.desired");
        List<Route> routes = Routes.parse(hub.get("routes"), hub.at("/storeAndForwardConfiguration/timeToLiveSecs").asLong());
        assertThat(routes).extracting(Route::text).containsExactly(
                "FROM /messages/modules/SimulatedTemperatureSensor/outputs/temperatureOutput INTO BrokeredEndpoint(\"/modules/filtermodule/inputs/input1\")",
                "FROM /messages/modules/filtermodule/outputs/* INTO $upstream");
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode quickstart() {
        try (InputStream in = RoutesTest.class.getResourceAsStream("/io/eflow/edge/manifest/quickstart.json")) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
