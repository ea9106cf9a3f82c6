package io.eflow.contract.route;

import io.eflow.contract.route.Token.Kind;

/** The parsers' view of a route's text: the current token, and the end of the last one taken. */
final class Tokens {
    private final String text;
    private final Lexer lexer;
    private Token current;
    private int lastEnd;

    Tokens(String text) {
        this.text = text;
        this.lexer = new Lexer(text);
        this.current = lexer.next();
    }

    String text() {
        return text;
    }

    Token peek() {
        return current;
    }

    boolean at(Kind kind) {
        return current.kind() == kind;
    }

    boolean atWord(String word) {
        return current.isWord(word);
    }

    Token take() {
        Token taken = current;
        lastEnd = taken.end();
        current = lexer.next();
        return taken;
    }

    /** Takes the current token if it is of that kind. */
    boolean accept(Kind kind) {
        if (!at(kind)) {
            return false;
        }
        take();
        return true;
    }

    boolean acceptWord(String word) {
        if (!atWord(word)) {
            return false;
        }
        take();
        return true;
    }

    Token expect(Kind kind, String expected) {
        if (!at(kind)) {
            throw unexpected(expected);
        }
        return take();
    }

    /** Offset just past the last token taken. */
    int lastEnd() {
        return lastEnd;
    }

    /** "expected X, found 'Y'" at the current token. */
    RouteException unexpected(String expected) {
        return RouteException.syntax(current.column(), "expected " + expected + ", found " + current.describe());
    }
}
