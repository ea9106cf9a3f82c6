package io.eflow.contract.route;

/**
 * One token of a route's text.
 *
 * @param start  0-based offset of its first character
 * @param text   as written
 * @param value  a string literal without quotes and escapes, a name without its '$'; otherwise the text
 * @param number a number literal's value
 */
record Token(Kind kind, int start, String text, String value, double number) {

    enum Kind { NAME, DOLLAR_NAME, NUMBER, STRING, LPAREN, RPAREN, COMMA, PLUS, MINUS, STAR, SLASH, PERCENT, EQ, NE, LT, LE, GT, GE, END }

    int column() {
        return start + 1;
    }

    int end() {
        return start + text.length();
    }

    /** A bare word such as FROM, AND or true, whatever its case. */
    boolean isWord(String word) {
        return kind == Kind.NAME && value.equalsIgnoreCase(word);
    }

    /** How an error message names it. */
    String describe() {
        return kind == Kind.END ? "the end" : "'" + text + "'";
    }
}
