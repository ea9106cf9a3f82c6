package io.eflow.edge.hub.route;

import io.eflow.edge.hub.HubMessage;
import io.eflow.edge.hub.route.Token.Kind;

/**
 * A route's {@code WHERE} condition in IoT Hub's routing query language, parsed once and then evaluated for each
 * message. A message passes only when the condition is true: false, null and undefined all hold it back.
 */
public final class Condition {
    private final String text;
    private final Expr expr;

    Condition(String text, Expr expr) {
        this.text = text;
        this.expr = expr;
    }

    /** Parses a bare condition, e.g. {@code $body.temperature > 30 AND NOT IS_DEFINED(alert)}. */
    public static Condition parse(String text) {
        Tokens tokens = new Tokens(text);
        Expr expr = new ConditionParser(tokens).condition();
        if (!tokens.at(Kind.END)) {
            throw tokens.unexpected("an operator or the end of the condition");
        }
        return new Condition(text.strip(), expr);
    }

    public boolean test(HubMessage message) {
        return holds(new Evaluation(message));
    }

    /** The condition as written. */
    public String text() {
        return text;
    }

    boolean holds(Evaluation message) {
        return Boolean.TRUE.equals(evaluate(message).asBoolean());
    }

    Value evaluate(Evaluation message) {
        return expr.evaluate(message);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Condition that && text.equals(that.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
