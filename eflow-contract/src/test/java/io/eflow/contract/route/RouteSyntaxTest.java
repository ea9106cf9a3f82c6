package io.eflow.contract.route;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Every refused route names the column of its mistake. */
class RouteSyntaxTest {
    /** A message with no properties and no body: enough for conditions that read nothing of it. */
    private static final ConditionInput NO_MESSAGE = new ConditionInput() {
        @Override
        public String systemProperty(String name) {
            return null;
        }

        @Override
        public String applicationProperty(String name) {
            return null;
        }

        @Override
        public JsonNode body() {
            return null;
        }
    };

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            INTO $upstream                                               |  1 | expected FROM, found 'INTO'
            SELECT FROM /messages/* INTO $upstream                       |  8 | expected '*' after SELECT, found 'FROM'
            FROM messages/* INTO $upstream                               |  6 | expected a source such as /messages/*, found 'messages'
            FROM / INTO $upstream                                        |  8 | expected messages, twinChangeNotifications or '*', found 'INTO'
            FROM /messages/$x INTO $upstream                             | 16 | expected a name or '*' after '/', found '$x'
            FROM /messages/ INTO $upstream                               | 17 | expected '*' or modules after /messages/, found 'INTO'
            FROM /message/* INTO $upstream                               |  7 | expected messages, twinChangeNotifications or '*', found 'message'
            FROM /messages/modules INTO $upstream                        | 23 | the source ends too early: expected '*' or a module id after /messages/modules/
            FROM /messages/modules/m/output/x INTO $upstream             | 26 | expected '*' or outputs after the module id, found 'output'
            FROM /*/messages INTO $upstream                              |  9 | the source /* ends before 'messages'
            FROM /messages/modules/*/outputs/x INTO $upstream            | 26 | the source /messages/modules/* ends before 'outputs'
            FROM /messages/modules/m/outputs/o/x INTO $upstream          | 36 | the source /messages/modules/m/outputs/o ends before 'x'
            FROM /messages/* INT $upstream                               | 18 | expected WHERE or INTO, found 'INT'
            FROM /messages/* WHERE a = 'bcd' INT $upstream               | 34 | expected INTO, found 'INT'
            FROM /messages/* WHERE a = 1 b = 2 INTO $upstream            | 30 | expected INTO, found 'b'
            FROM /messages/* INTO upstream                               | 23 | expected a sink: $upstream or BrokeredEndpoint("/modules/{module}/inputs/{input}"), found 'upstream'
            FROM /messages/* INTO $downstream                            | 23 | expected a sink: $upstream or BrokeredEndpoint("/modules/{module}/inputs/{input}"), found '$downstream'
            FROM /messages/* INTO BrokeredEndpoint("/modules/m/outputs/i") | 40 | a BrokeredEndpoint is "/modules/{module}/inputs/{input}", not "/modules/m/outputs/i"
            FROM /messages/* INTO BrokeredEndpoint("/modules//inputs/i") | 40 | a BrokeredEndpoint is "/modules/{module}/inputs/{input}", not "/modules//inputs/i"
            FROM /messages/* INTO BrokeredEndpoint(/modules/m/inputs/i)  | 40 | expected the endpoint in quotes, such as "/modules/filter/inputs/input1", found '/'
            FROM /messages/* INTO BrokeredEndpoint("/modules/m/inputs/i" | 61 | expected ')' after the endpoint, found the end
            FROM /messages/* INTO $upstream WHERE a = 1                  | 33 | expected the end of the route after the sink, found 'WHERE'
            FROM /messages/* WHERE INTO $upstream                        | 24 | expected a value, found 'INTO'
            FROM /messages/* WHERE a = INTO $upstream                    | 28 | expected a value, found 'INTO'
            FROM /messages/* WHERE NOT INTO $upstream                    | 28 | expected a value, found 'INTO'
            FROM /messages/* WHERE a = 1 AND AND b = 2 INTO $upstream    | 34 | expected a value, found 'AND'
            FROM /messages/* WHERE (a = 1 INTO $upstream                 | 31 | expected ')' to close the '(' at column 24, found 'INTO'
            FROM /messages/* WHERE a = 1) INTO $upstream                 | 29 | expected INTO, found ')'
            FROM /messages/* WHERE IS_DEFINED(a INTO $upstream           | 37 | expected ',' or ')' to close the '(' at column 34, found 'INTO'
            FROM /messages/* WHERE a = 'open INTO $upstream              | 28 | unterminated string: no closing '
            FROM /messages/* WHERE a = 'x\\n' INTO $upstream             | 30 | unknown escape in a string: strings allow \\', \\", \\\\ and \\uXXXX
            FROM /messages/* WHERE FOO(a) INTO $upstream                 | 24 | unknown function 'FOO'
            FROM /messages/* WHERE ABS(1, 2) = 1 INTO $upstream          | 24 | ABS takes 1 argument, not 2
            FROM /messages/* WHERE x = 1 OR CONCAT('a') = 'a' INTO $upstream | 33 | CONCAT takes 2 or more arguments, not 1
            FROM /messages/* WHERE SUBSTRING('a') = 'a' INTO $upstream   | 24 | SUBSTRING takes 2 to 3 arguments, not 1
            FROM /messages/* WHERE a ! b INTO $upstream                  | 26 | '!' must be followed by '=' (write NOT to negate)
            FROM /messages/* WHERE a = @x INTO $upstream                 | 28 | unexpected character '@'
            FROM /messages/* WHERE a = 0x INTO $upstream                 | 28 | expected hexadecimal digits after '0x'
            FROM /messages/* WHERE $ = 1 INTO $upstream                  | 24 | expected a property name after '$'
            FROM /messages/* WHERE $body. = 1 INTO $upstream             | 30 | expected a member name in the $body path
            FROM /messages/* WHERE $body.a[x] = 1 INTO $upstream         | 31 | expected an array index such as [0] in the $body path
            FROM /messages/* WHERE $body.a..b = 1 INTO $upstream         | 32 | expected a member name in the $body path
            FROM /messages/* WHERE $body.a]b = 1 INTO $upstream          | 31 | unexpected ']' in the $body path
            FROM /messages/* WHERE $a[0] = 1 INTO $upstream              | 26 | '[' belongs in $body paths only
            """)
    void refusesAtTheColumnOfTheMistake(String route, int column, String problem) {
        RouteException e = catchThrowableOfType(RouteException.class, () -> Route.parse("r", route, Route.DEFAULT_PRIORITY, 7200));
        assertThat(e).as(route).isNotNull();
        assertThat(e.problem()).isEqualTo(problem);
        assertThat(e.column()).isEqualTo(column);
        assertThat(e.path()).isEmpty();
        assertThat(e.getMessage()).isEqualTo("at column " + column + ": " + problem);
    }

    @Test
    void aBareConditionMustEndWhereItsExpressionEnds() {
        RouteException e = catchThrowableOfType(RouteException.class, () -> Condition.parse("a = 1 )"));
        assertThat(e.getMessage()).isEqualTo("at column 7: expected an operator or the end of the condition, found ')'");
    }

    @Test
    void nestingIsBoundedSoAHostileRouteCannotExhaustTheStack() {
        String deep = "(".repeat(5000) + "1" + ")".repeat(5000);
        RouteException e = catchThrowableOfType(RouteException.class, () -> Condition.parse(deep));
        assertThat(e.problem()).isEqualTo("the condition nests deeper than 100 levels");
        assertThat(Condition.parse("(".repeat(90) + "true" + ")".repeat(90)).holds(NO_MESSAGE)).isTrue();
        assertThat(catchThrowableOfType(RouteException.class, () -> Condition.parse("NOT ".repeat(5000) + "true"))).isNotNull();
    }

    @Test
    void keywordsIgnoreCaseAndSelectStarIsAccepted() {
        Route route = Route.parse("r", "select * from /messages/* where a = 1 into $upstream", 0, 1);
        assertThat(route.text()).isEqualTo("FROM /messages/* WHERE a = 1 INTO $upstream");
    }

    @Test
    void theConditionKeepsItsTextAsWritten() {
        Route route = Route.parse("r", "FROM /messages/*   WHERE  ( $body.t > 30 )\tAND NOT IS_DEFINED(x)   INTO $upstream", 0, 1);
        assertThat(route.condition()).map(Condition::text).hasValue("( $body.t > 30 )\tAND NOT IS_DEFINED(x)");
    }
}
