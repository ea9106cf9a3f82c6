package io.eflow.edge.hub.route;

import io.eflow.contract.route.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.Charset;

import static io.eflow.edge.hub.route.Messages.message;
import static org.assertj.core.api.Assertions.assertThat;

/** The routing query language, evaluated against one message with properties and the documentation's JSON body. */
class ConditionTest {
    /** IoT Hub's routing documentation's example body, plus a typed string and a null. */
    private static final String WEATHER = """
            {"Weather": {"Temperature": 50, "Time": "2017-03-09T00:00:00.000Z", "PrevTemperatures": [20, 30, 40],
              "IsEnabled": true, "Location": {"Street": "One Microsoft Way", "City": "Redmond", "State": "WA"},
              "HistoricalData": [{"Month": "Feb", "Temperature": 40}, {"Month": "Jan", "Temperature": 30}]},
             "code": "5", "nothing": null}""";

    private static Messages sample() {
        return message().json(WEATHER)
                .system("contentEncoding", "UTF-8")
                .system("connectionDeviceId", "dev1")
                .system("connectionModuleId", "sensor")
                .system("messageId", "m-1")
                .property("processingPath", "hot")
                .property("severity", "4")
                .property("verbose", "true")
                .property("testDevice", "false")
                .property("temp", "21.5")
                .property("label", "Alpha")
                .property("code", "007")
                .property("$custom", "app-dollar");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # literals
            true                                   | true
            TRUE                                   | true
            false                                  | false
            null                                   | null
            undefined                              | undefined
            1 = 1.0                                | true
            0x1F = 31                              | true
            1e3 = 1000                             | true
            .5 = 0.5                               | true
            'a' = "a"                              | true
            'it\\'s' = "it's"                      | true
            '\\u0041' = 'A'                        | true
            'a' = 'A'                              | false
            'a' < 'b'                              | true
            1 <> 2                                 | true
            1 != 1                                 | false
            # properties: application by name, system with $, names ignoring case
            processingPath = 'hot'                 | true
            processingPath = 'cold'                | false
            PROCESSINGPATH = 'hot'                 | true
            $contentEncoding = 'UTF-8' AND processingPath = 'hot' | true
            $connectionModuleId = 'sensor'         | true
            $messageId                             | 'm-1'
            IS_DEFINED($connectionModuleId)        | true
            NOT IS_DEFINED($connectionModuleId)    | false
            IS_DEFINED(missing)                    | false
            IS_DEFINED($missing)                   | false
            $custom = 'app-dollar'                 | true
            # property text read as a number or Boolean when the other side needs one
            severity > 3                           | true
            severity = 4                           | true
            severity = '4'                         | true
            severity > '30'                        | true
            code = 7                               | true
            temp * 2 = 43                          | true
            label > 3                              | undefined
            severity>3                             | true
            severity!=4                            | false
            temp - 1                               | 20.5
            temp-1                                 | undefined
            verbose = true                         | true
            verbose AND severity > 3               | true
            testDevice OR false                    | false
            NOT testDevice                         | true
            label AND true                         | undefined
            IS_NUMBER(severity)                    | false
            IS_STRING(severity)                    | true
            AS_NUMBER(severity) = 4                | true
            AS_NUMBER(label)                       | undefined
            AS_NUMBER('-2.5e1')                    | -25
            # the body
            $body.Weather.HistoricalData[0].Month = 'Feb' | true
            $body.Weather.Temperature = 50 AND $body.Weather.IsEnabled | true
            length($body.Weather.Location.State) = 2 | true
            $body.Weather.Temperature = 50 AND processingPath = 'hot' | true
            $body.Weather.PrevTemperatures[2]      | 40
            $body.Weather.PrevTemperatures[3]      | undefined
            $body.Weather.HistoricalData[1].Temperature < $body.Weather.Temperature | true
            $body.weather.temperature              | undefined
            $body.Weather.Temperature.Deeper       | undefined
            $body.code = 5                         | undefined
            $body.code = '5'                       | true
            IS_NULL($body.nothing)                 | true
            IS_DEFINED($body.nothing)              | true
            $body.nothing = null                   | true
            IS_NULL($body.missing)                 | false
            IS_OBJECT($body.Weather.Location)      | true
            IS_ARRAY($body.Weather.PrevTemperatures) | true
            IS_ARRAY($body.Weather.Location)       | false
            IS_PRIMITIVE($body.Weather.Location)   | false
            IS_PRIMITIVE($body.nothing)            | true
            IS_BOOL($body.Weather.IsEnabled)       | true
            $body.Weather.Location = 'x'           | undefined
            $body[0] = 'Feb'                       | undefined
            IS_DEFINED($body)                      | false
            # precedence: OR < AND < NOT < comparison < + - < * / %
            true OR false AND false                | true
            (true OR false) AND false              | false
            NOT false AND false                    | false
            NOT 1 = 2                              | true
            NOT NOT true                           | true
            1 + 2 * 3 = 7                          | true
            (1 + 2) * 3                            | 9
            10 - 4 - 3                             | 3
            -2 * -3                                | 6
            7 % 4                                  | 3
            - severity                             | -4
            1 / 0                                  | undefined
            # three values
            missing = 1 AND false                  | false
            false AND missing = 1                  | false
            missing = 1 AND true                   | undefined
            missing = 1 OR true                    | true
            missing = 1 OR false                   | undefined
            NOT missing = 1                        | undefined
            NOT undefined                          | undefined
            null = null                            | true
            null != null                           | false
            1 = null                               | undefined
            1 = 'a'                                | undefined
            true = 1                               | undefined
            true < false                           | undefined
            missing + 1                            | undefined
            # functions, names ignoring case
            ABS(-3)                                | 3
            EXP(0)                                 | 1
            POWER(2, 10)                           | 1024
            POWER('x', 0)                          | undefined
            SQUARE(3)                              | 9
            CEILING(1.2)                           | 2
            FLOOR(-1.2)                            | -2
            SIGN(-5)                               | -1
            SQRT(16)                               | 4
            SQRT(-1)                               | undefined
            ABS('x')                               | undefined
            ABS(severity)                          | 4
            CONCAT('a', 'b', label)                | 'abAlpha'
            CONCAT('a', 1)                         | undefined
            LENGTH(label)                          | 5
            LOWER(label)                           | 'alpha'
            UPPER('MiXed')                         | 'MIXED'
            SUBSTRING('abcdef', 2)                 | 'cdef'
            SUBSTRING('abcdef', 1, 3)              | 'bcd'
            SUBSTRING('abc', 5, 1)                 | ''
            SUBSTRING('abc', -1)                   | undefined
            INDEX_OF('abcabc', 'ca')               | 2
            INDEX_OF('abc', 'x')                   | -1
            STARTS_WITH($connectionDeviceId, 'dev') | true
            ENDS_WITH(label, 'pha')                | true
            CONTAINS(processingPath, 'o')          | true
            contains(processingPath, 'O')          | false
            STARTS_WITH(missing, 'a')              | undefined
            IS_STRING(1)                           | false
            """)
    void evaluates(String condition, String expected) {
        assertThat(sample().evaluate(condition)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} / {1}")
    @CsvSource(delimiter = '|', textBlock = """
            application/json | utf-8  | UTF-8  | 50
            Application/JSON | UTF-8  | UTF-8  | 50
            application/json | utf-16 | UTF-16LE | 50
            application/json | UTF-16 | UTF-16BE | 50
            application/json | utf-32 | UTF-32LE | 50
            text/plain       | utf-8  | UTF-8  | undefined
            application/json | ascii  | UTF-8  | undefined
            application/json |        | UTF-8  | undefined
            """)
    void theBodyIsReadOnlyWhenDeclaredJsonInAUnicodeEncoding(String type, String encoding, String charset, String expected) {
        Messages message = message().body("{\"t\": 50}".getBytes(Charset.forName(charset))).system("contentType", type);
        if (encoding != null) {
            message.system("contentEncoding", encoding);
        }
        assertThat(message.evaluate("$body.t")).isEqualTo(expected);
    }

    @Test
    void aBodyThatIsNotJsonMakesEveryBodyReferenceUndefined() {
        assertThat(message().json("{\"t\": 50").evaluate("$body.t")).isEqualTo("undefined");
        assertThat(message().json("{\"t\": 50} trailing").evaluate("$body.t")).isEqualTo("undefined");
        assertThat(message().json("").evaluate("IS_DEFINED($body.t)")).isEqualTo("false");
    }

    @Test
    void aSystemPropertyWinsOverAnApplicationPropertyOfTheSameDollarName() {
        Messages message = message().system("to", "system").property("$to", "application");
        assertThat(message.evaluate("$to")).isEqualTo("'system'");
    }

    @Test
    void onlyTrueLetsAMessageThrough() {
        assertThat(Condition.parse("1 = 1").holds(new Evaluation(sample().build()))).isTrue();
        assertThat(Condition.parse("missing = 1").holds(new Evaluation(sample().build()))).isFalse();
        assertThat(Condition.parse("null").holds(new Evaluation(sample().build()))).isFalse();
        assertThat(Condition.parse("'true'").holds(new Evaluation(sample().build()))).isFalse();
        assertThat(Condition.parse("verbose").holds(new Evaluation(sample().build()))).isTrue();
    }
}
