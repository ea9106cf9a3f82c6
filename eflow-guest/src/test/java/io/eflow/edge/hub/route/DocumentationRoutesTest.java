package io.eflow.edge.hub.route;

import io.eflow.contract.manifest.DeploymentManifest;
import io.eflow.contract.manifest.EdgeHubProperties;
import io.eflow.contract.route.Route;
import io.eflow.contract.route.Sink;
import io.eflow.contract.route.Source;
import io.eflow.edge.hub.message.MessageSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.eflow.edge.hub.route.Messages.message;
import static org.assertj.core.api.Assertions.assertThat;

/** Routes copied from the IoT Edge documentation and its tutorials, as written there. */
class DocumentationRoutesTest {
    /** The $edgeHub part of the deployment manifest example in "Learn how to deploy modules and establish routes". */
    private static final String MODULE_COMPOSITION_EXAMPLE = """
            {
                "schemaVersion": "1.0",
                "routes": {
                    "sensorToFilter": "FROM /messages/modules/tempSensor/outputs/temperatureOutput INTO BrokeredEndpoint(\\"/modules/filtermodule/inputs/input1\\")",
                    "filterToIoTHub": "FROM /messages/modules/filtermodule/outputs/output1 INTO $upstream"
                },
                "storeAndForwardConfiguration": {
                    "timeToLiveSecs": 10
                }
            }""";
    /** The sample message the same page writes its conditions against. */
    private static final String AMBIENT = """
            {"ambient": {"temperature": 54.3421, "humidity": 25}, "machine": {"status": "running", "temperature": 62.2214}}""";

    @Test
    void theDeploymentManifestExampleRoutesSensorToFilterToIoTHub() {
        Router router = Router.of(hub(MODULE_COMPOSITION_EXAMPLE));

        List<Route> fromSensor = router.match(message().from(MessageSource.module("tempSensor", "temperatureOutput")).build());
        assertThat(fromSensor).singleElement().satisfies(route -> {
            assertThat(route.name()).isEqualTo("sensorToFilter");
            assertThat(route.sink()).isEqualTo(new Sink.ModuleInput("filtermodule", "input1"));
            assertThat(route.timeToLiveSecs()).isEqualTo(10);
        });
        assertThat(router.match(message().from(MessageSource.module("filtermodule", "output1")).build()))
                .extracting(Route::sink).containsExactly(new Sink.Upstream());
        assertThat(router.match(message().from(MessageSource.module("filtermodule", "output2")).build())).isEmpty();
    }

    @Test
    void theTutorialsSimulatedTemperatureSensorRoute() {
        Route route = Route.parse("sensorToFilter",
                "FROM /messages/modules/SimulatedTemperatureSensor/outputs/temperatureOutput INTO BrokeredEndpoint(\"/modules/filtermodule/inputs/input1\")",
                Route.DEFAULT_PRIORITY, 7200);
        assertThat(route.source()).isEqualTo(new Source.ModuleOutput("SimulatedTemperatureSensor", "temperatureOutput"));
        assertThat(route.condition()).isEmpty();
        assertThat(route.sink()).isEqualTo(new Sink.ModuleInput("filtermodule", "input1"));
    }

    @Test
    void leafDeviceMessagesGoStraightUpstreamAndModuleMessagesDoNot() {
        Route route = Route.parse("leaf", "FROM /messages/* WHERE NOT IS_DEFINED($connectionModuleId) INTO $upstream",
                Route.DEFAULT_PRIORITY, 7200);

        assertThat(Router.takes(route, message().from(MessageSource.device()).system("connectionDeviceId", "leaf").build())).isTrue();
        assertThat(Router.takes(route, message().system("connectionDeviceId", "edge").system("connectionModuleId", "sensor").build())).isFalse();
    }

    @Test
    void theConditionsWrittenAgainstTheSampleMessage() {
        Messages sample = message().json(AMBIENT);
        assertThat(Router.takes(route("FROM /messages/* WHERE $body.machine.status != \"running\" INTO $upstream"), sample.build())).isFalse();
        assertThat(Router.takes(route("FROM /messages/* WHERE $body.ambient.temperature <= 60 AND $body.machine.temperature"
                + " >= 60 INTO $upstream"), sample.build())).isTrue();
    }

    @Test
    void routesWithPriorityFromASchema11Manifest() {
        List<Route> routes = Router.of(hub("""
                {"schemaVersion": "1.1", "routes": {
                    "route1": {
                        "priority": 1,
                        "route": "FROM /messages/modules/module01/outputs/output1 INTO BrokeredEndpoint(\\"/modules/module02/inputs/input1\\")"
                    },
                    "route2": {
                        "priority": 1,
                        "route": "FROM /messages/modules/module01/outputs/output1 INTO $upstream",
                        "timeToLiveSecs": 86400
                    }
                }}""")).routes();
        assertThat(routes).extracting(Route::priority).containsExactly(1, 1);
        assertThat(routes).extracting(Route::timeToLiveSecs).containsExactly(7200L, 86400L);
        assertThat(new Router(routes).match(message().from(MessageSource.module("module01", "output1")).build()))
                .extracting(Route::name).containsExactly("route1", "route2");
    }

    /** $edgeHub's desired properties as the hub gets them: read by the manifest reader in a deployment of no modules. */
    private static EdgeHubProperties hub(String desired) {
        return DeploymentManifest.parse("""
                {"modulesContent": {"$edgeAgent": {"properties.desired": {"schemaVersion": "1.1",
                  "runtime": {"type": "docker", "settings": {}},
                  "systemModules": {"edgeAgent": {"type": "docker", "settings": {"image": "mcr.microsoft.com/azureiotedge-agent:1.5"}},
                    "edgeHub": {"type": "docker", "status": "running", "restartPolicy": "always",
                                "settings": {"image": "mcr.microsoft.com/azureiotedge-hub:1.5"}}},
                  "modules": {}}},
                 "$edgeHub": {"properties.desired": %s}}}""".formatted(desired)).manifest().hub();
    }

    private static Route route(String text) {
        return Route.parse("r", text, Route.DEFAULT_PRIORITY, 7200);
    }
}
