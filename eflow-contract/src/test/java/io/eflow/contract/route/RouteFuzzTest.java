package io.eflow.contract.route;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The route grammar on any text ($edgeHub's routes come from the deployment): a route is refused with a
 * {@link RouteException} naming a column inside the text (or just past its end), or accepted, and then its rebuilt text
 * parses to the same route and its condition gives a verdict for any message without throwing (the router asks it
 * for every message). Input, as text so the seeds can be read: the route on the first line, then one message's
 * properties a line each ({@code $name=value} a system property, {@code name=value} an application one) up to an
 * empty line, and its body after that.
 */
class RouteFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @FuzzTest(maxDuration = "30s")
    void routes(byte[] input) {
        String[] parts = new String(input, StandardCharsets.UTF_8).split("\n\n", 2);
        String[] lines = parts[0].split("\n", -1);
        String text = lines[0];
        Map<String, String> system = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        Map<String, String> application = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 1; i < lines.length; i++) {
            String[] property = lines[i].split("=", 2);
            String value = property.length == 2 ? property[1] : "";
            if (property[0].startsWith("$")) {
                system.put(property[0].substring(1), value);
            } else {
                application.put(property[0], value);
            }
        }
        JsonNode body = parts.length == 2 ? body(parts[1]) : null;
        Route route;
        try {
            route = Route.parse("r", text, Route.DEFAULT_PRIORITY, 7200);
        } catch (RouteException e) {
            assertThat(e.path()).isEmpty();
            assertThat(e.column()).as(e.getMessage()).isBetween(1, text.length() + 1);
            assertThat(e.problem()).isNotBlank();
            return;
        }
        assertThat(Route.parse("r", route.text(), Route.DEFAULT_PRIORITY, 7200)).isEqualTo(route);
        route.condition().ifPresent(condition -> condition.holds(new Message(system, application, body)));
    }

    private static JsonNode body(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private record Message(Map<String, String> system, Map<String, String> application, JsonNode body)
            implements ConditionInput {
        @Override
        public String systemProperty(String name) {
            return system.get(name);
        }

        @Override
        public String applicationProperty(String name) {
            return application.get(name);
        }
    }
}
