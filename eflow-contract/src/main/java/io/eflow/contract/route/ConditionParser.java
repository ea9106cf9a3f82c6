package io.eflow.contract.route;

import io.eflow.contract.route.Token.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Recursive descent over the condition grammar, loosest binding first:
 * <pre>
 * condition  := and (OR and)*
 * and        := not (AND not)*
 * not        := NOT not | comparison
 * comparison := sum (('=' | '!=' | '&lt;&gt;' | '&lt;' | '&lt;=' | '&gt;' | '&gt;=') sum)*
 * sum        := product (('+' | '-') product)*
 * product    := unary (('*' | '/' | '%') unary)*
 * unary      := '-' unary | primary
 * primary    := number | string | true | false | null | undefined | '(' condition ')'
 *             | function '(' [condition (',' condition)*] ')' | name | $name | $body.path
 * </pre>
 * NOT binds looser than comparisons, as in SQL: {@code NOT a = 1} is {@code NOT (a = 1)}. Keywords, literals and
 * function names ignore case. The parser stops before the first token that cannot continue the condition (INTO, in
 * a route) and leaves it to the caller.
 */
final class ConditionParser {
    /** Deeper nesting than any real condition needs; it keeps a hostile route from exhausting the stack. */
    private static final int MAX_DEPTH = 100;
    private static final Map<Kind, Comparison> COMPARISONS = Map.of(Kind.EQ, Comparison.EQ, Kind.NE, Comparison.NE,
            Kind.LT, Comparison.LT, Kind.LE, Comparison.LE, Kind.GT, Comparison.GT, Kind.GE, Comparison.GE);
    private static final Map<Kind, Arithmetic> SUMS = Map.of(Kind.PLUS, Arithmetic.ADD, Kind.MINUS, Arithmetic.SUBTRACT);
    private static final Map<Kind, Arithmetic> PRODUCTS = Map.of(Kind.STAR, Arithmetic.MULTIPLY,
            Kind.SLASH, Arithmetic.DIVIDE, Kind.PERCENT, Arithmetic.REMAINDER);
    private static final List<String> RESERVED = List.of("AND", "OR", "NOT", "INTO", "WHERE", "FROM");

    private final Tokens tokens;
    private int depth;

    ConditionParser(Tokens tokens) {
        this.tokens = tokens;
    }

    Expr condition() {
        enter();
        Expr left = and();
        while (tokens.acceptWord("OR")) {
            left = new Expr.Or(left, and());
        }
        depth--;
        return left;
    }

    private Expr and() {
        Expr left = not();
        while (tokens.acceptWord("AND")) {
            left = new Expr.And(left, not());
        }
        return left;
    }

    private Expr not() {
        if (!tokens.acceptWord("NOT")) {
            return comparison();
        }
        enter();
        Expr negated = new Expr.Not(not());
        depth--;
        return negated;
    }

    private Expr comparison() {
        Expr left = sum();
        for (Comparison operator; (operator = COMPARISONS.get(tokens.peek().kind())) != null; ) {
            tokens.take();
            left = new Expr.Compare(operator, left, sum());
        }
        return left;
    }

    private Expr sum() {
        Expr left = product();
        for (Arithmetic operator; (operator = SUMS.get(tokens.peek().kind())) != null; ) {
            tokens.take();
            left = new Expr.Calculate(operator, left, product());
        }
        return left;
    }

    private Expr product() {
        Expr left = unary();
        for (Arithmetic operator; (operator = PRODUCTS.get(tokens.peek().kind())) != null; ) {
            tokens.take();
            left = new Expr.Calculate(operator, left, unary());
        }
        return left;
    }

    private Expr unary() {
        if (!tokens.accept(Kind.MINUS)) {
            return primary();
        }
        enter();
        Expr operand = unary();
        depth--;
        // -5 is a literal, not an operation to repeat for every message
        return operand instanceof Expr.Literal literal && literal.value() instanceof Value.Num number
                ? new Expr.Literal(Value.number(-number.value())) : new Expr.Negate(operand);
    }

    private Expr primary() {
        Token token = tokens.peek();
        switch (token.kind()) {
            case NUMBER -> {
                tokens.take();
                return new Expr.Literal(Value.number(token.number()));
            }
            case STRING -> {
                tokens.take();
                return new Expr.Literal(new Value.Str(token.value(), false));
            }
            case LPAREN -> {
                tokens.take();
                Expr nested = condition();
                if (!tokens.accept(Kind.RPAREN)) {
                    throw tokens.unexpected("')' to close the '(' at column " + token.column());
                }
                return nested;
            }
            case DOLLAR_NAME -> {
                tokens.take();
                return PropertyReferences.dollar(token);
            }
            case NAME -> {
                return word(token);
            }
            default -> throw tokens.unexpected("a value");
        }
    }

    /** A bare word: a literal, a function call or an application property. */
    private Expr word(Token token) {
        String word = token.value();
        for (String reserved : RESERVED) {
            if (word.equalsIgnoreCase(reserved)) {
                throw tokens.unexpected("a value");
            }
        }
        tokens.take();
        if (tokens.at(Kind.LPAREN)) {
            return call(token);
        }
        if (word.equalsIgnoreCase("true") || word.equalsIgnoreCase("false")) {
            return new Expr.Literal(Value.of(word.equalsIgnoreCase("true")));
        }
        if (word.equalsIgnoreCase("null")) {
            return new Expr.Literal(Value.NULL);
        }
        if (word.equalsIgnoreCase("undefined")) {
            return new Expr.Literal(Value.UNDEFINED);
        }
        return new Expr.ApplicationProperty(word);
    }

    private Expr call(Token name) {
        Builtin function = Builtin.named(name.value());
        if (function == null) {
            throw RouteException.syntax(name.column(), "unknown function '" + name.value() + "'");
        }
        Token open = tokens.take();
        List<Expr> arguments = new ArrayList<>();
        if (!tokens.accept(Kind.RPAREN)) {
            do {
                arguments.add(condition());
            } while (tokens.accept(Kind.COMMA));
            if (!tokens.accept(Kind.RPAREN)) {
                throw tokens.unexpected("',' or ')' to close the '(' at column " + open.column());
            }
        }
        String problem = function.arityProblem(arguments.size());
        if (problem != null) {
            throw RouteException.syntax(name.column(), problem);
        }
        return new Expr.Call(function, arguments);
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw RouteException.syntax(tokens.peek().column(), "the condition nests deeper than " + MAX_DEPTH + " levels");
        }
    }
}
