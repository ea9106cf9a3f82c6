package io.eflow.contract.route;

import io.eflow.contract.route.Token.Kind;

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

    /** The condition as written. */
    public String text() {
        return text;
    }

    /** Whether the condition is true for this message: false, null and undefined all hold it back. */
    public boolean holds(ConditionInput message) {
        return Boolean.TRUE.equals(evaluate(message).asBoolean());
    }

    /** The condition's value for this message, three-valued as the package describes. */
    public Value evaluate(ConditionInput message) {
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
