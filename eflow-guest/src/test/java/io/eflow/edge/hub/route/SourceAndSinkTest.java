package io.eflow.edge.hub.route;

import io.eflow.contract.route.Route;
import io.eflow.contract.route.Sink;
import io.eflow.edge.hub.message.MessageSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** What each documented FROM takes, and what each INTO names. */
class SourceAndSinkTest {

    @ParameterizedTest(name = "{0} takes {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            /*                                  | device                 | true
            /*                                  | module:m               | true
            /*                                  | module:m:o             | true
            /*                                  | twin                   | true
            /messages/*                         | device                 | true
            /messages/*                         | module:m               | true
            /messages/*                         | module:m:o             | true
            /messages/*                         | twin                   | false
            /messages/modules/*                 | device                 | false
            /messages/modules/*                 | module:m               | true
            /messages/modules/*                 | module:other:o         | true
            /messages/modules/*                 | twin                   | false
            /messages/modules/m/*               | module:m               | true
            /messages/modules/m/*               | module:m:o             | true
            /messages/modules/m/*               | module:M:o             | true
            /messages/modules/m/*               | module:mm:o            | false
            /messages/modules/m/*               | module:other:o         | false
            /messages/modules/m/*               | device                 | false
            /messages/modules/m/outputs/*       | module:m               | false
            /messages/modules/m/outputs/*       | module:m:o             | true
            /messages/modules/m/outputs/*       | module:other:o         | false
            /messages/modules/m/outputs/o       | module:m:o             | true
            /messages/modules/m/outputs/o       | module:m:O             | true
            /messages/modules/m/outputs/o       | module:m:o2            | false
            /messages/modules/m/outputs/o       | module:m               | false
            /messages/modules/m/outputs/o       | module:other:o         | false
            /Messages/Modules/m/Outputs/o       | module:m:o             | true
            /twinChangeNotifications            | twin                   | true
            /twinChangeNotifications            | device                 | false
            /twinchangenotifications            | twin                   | true
            """)
    void sourcesTakeTheirMessages(String path, String from, boolean expected) {
        Route route = Route.parse("r", "FROM " + path + " INTO $upstream", 0, 1);
        assertThat(Router.from(route.source(), source(from))).isEqualTo(expected);
        assertThat(route.source().path()).isEqualToIgnoringCase(path);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            $upstream                                           | $upstream
            $UPSTREAM                                           | $upstream
            BrokeredEndpoint("/modules/filter/inputs/input1")   | filter/input1
            BrokeredEndpoint('/modules/filter/inputs/input1')   | filter/input1
            brokeredendpoint("/Modules/filter/INPUTS/input1")   | filter/input1
            BrokeredEndpoint ( "/modules/my-filter.v2/inputs/in 1" ) | my-filter.v2/in 1
            """)
    void sinksNameUpstreamOrAModuleInput(String text, String expected) {
        Sink sink = Route.parse("r", "FROM /* INTO " + text, 0, 1).sink();
        if (expected.equals("$upstream")) {
            assertThat(sink).isEqualTo(new Sink.Upstream());
        } else {
            String[] moduleAndInput = expected.split("/");
            assertThat(sink).isEqualTo(new Sink.ModuleInput(moduleAndInput[0], moduleAndInput[1]));
            assertThat(sink.text()).isEqualTo("BrokeredEndpoint(\"/modules/" + expected.replace("/", "/inputs/") + "\")");
        }
    }

    /** device, twin, module:{id} or module:{id}:{output}. */
    private static MessageSource source(String from) {
        String[] parts = from.split(":");
        return switch (parts[0]) {
            case "device" -> MessageSource.device();
            case "twin" -> MessageSource.twinChange();
            default -> parts.length == 2 ? MessageSource.module(parts[1]) : MessageSource.module(parts[1], parts[2]);
        };
    }
}
