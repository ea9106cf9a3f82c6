package io.eflow.contract.route;

import io.eflow.contract.route.Token.Kind;

/**
 * Splits a route's text into tokens, one at a time. Names follow IoT Hub's rule: anything but whitespace and
 * {@code ()<>@,;:\"/?={}}. eflow also ends a name at {@code ! + * % '} and '[' ']' (allowed in '$' names for body
 * paths), so that {@code a!=1} and {@code a*2} read as users mean them; '-' stays part of a name ({@code $dt-subject}),
 * so {@code a-1} is one name and subtraction needs spaces.
 */
final class Lexer {
    private static final String NOT_IN_NAMES = "()<>@,;:\\\"/?={}!+*%'";

    private final String text;
    private int pos;

    Lexer(String text) {
        this.text = text;
    }

    Token next() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
        int start = pos;
        if (pos == text.length()) {
            return new Token(Kind.END, start, "", "", 0);
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '(' -> symbol(Kind.LPAREN, 1);
            case ')' -> symbol(Kind.RPAREN, 1);
            case ',' -> symbol(Kind.COMMA, 1);
            case '+' -> symbol(Kind.PLUS, 1);
            case '-' -> symbol(Kind.MINUS, 1);
            case '*' -> symbol(Kind.STAR, 1);
            case '/' -> symbol(Kind.SLASH, 1);
            case '%' -> symbol(Kind.PERCENT, 1);
            case '=' -> symbol(Kind.EQ, 1);
            case '!' -> {
                if (!at(pos + 1, '=')) {
                    throw RouteException.syntax(start + 1, "'!' must be followed by '=' (write NOT to negate)");
                }
                yield symbol(Kind.NE, 2);
            }
            case '<' -> at(pos + 1, '=') ? symbol(Kind.LE, 2) : at(pos + 1, '>') ? symbol(Kind.NE, 2) : symbol(Kind.LT, 1);
            case '>' -> at(pos + 1, '=') ? symbol(Kind.GE, 2) : symbol(Kind.GT, 1);
            case '\'', '"' -> string(c);
            case '$' -> dollarName();
            default -> {
                if (isDigit(c) || c == '.' && pos + 1 < text.length() && isDigit(text.charAt(pos + 1))) {
                    yield number();
                }
                if (!isNameChar(c, false) || c == '.') {
                    throw RouteException.syntax(start + 1, "unexpected character '" + c + "'");
                }
                pos = nameEnd(pos, false);
                String name = text.substring(start, pos);
                yield new Token(Kind.NAME, start, name, name, 0);
            }
        };
    }

    private Token symbol(Kind kind, int length) {
        int start = pos;
        pos += length;
        return new Token(kind, start, text.substring(start, pos), text.substring(start, pos), 0);
    }

    private Token dollarName() {
        int start = pos;
        pos = nameEnd(pos + 1, true);
        if (pos == start + 1) {
            throw RouteException.syntax(start + 1, "expected a property name after '$'");
        }
        return new Token(Kind.DOLLAR_NAME, start, text.substring(start, pos), text.substring(start + 1, pos), 0);
    }

    private Token number() {
        int start = pos;
        if (text.charAt(pos) == '0' && (at(pos + 1, 'x') || at(pos + 1, 'X'))) {
            pos += 2;
            while (pos < text.length() && Character.digit(text.charAt(pos), 16) >= 0) {
                pos++;
            }
            String digits = text.substring(start + 2, pos);
            if (digits.isEmpty()) {
                throw RouteException.syntax(start + 1, "expected hexadecimal digits after '0x'");
            }
            if (digits.length() > 13) { // beyond 2^52 a double no longer holds every integer
                throw RouteException.syntax(start + 1, "the hexadecimal number " + text.substring(start, pos) + " is too large");
            }
            return new Token(Kind.NUMBER, start, text.substring(start, pos), text.substring(start, pos), Long.parseLong(digits, 16));
        }
        pos = digitsEnd(pos);
        if (at(pos, '.') && pos + 1 < text.length() && isDigit(text.charAt(pos + 1))) {
            pos = digitsEnd(pos + 1);
        }
        if (at(pos, 'e') || at(pos, 'E')) {
            int exponent = at(pos + 1, '+') || at(pos + 1, '-') ? pos + 2 : pos + 1;
            if (exponent < text.length() && isDigit(text.charAt(exponent))) {
                pos = digitsEnd(exponent);
            }
        }
        String literal = text.substring(start, pos);
        double value = Double.parseDouble(literal);
        if (Double.isInfinite(value)) {
            throw RouteException.syntax(start + 1, "the number " + literal + " is too large");
        }
        return new Token(Kind.NUMBER, start, literal, literal, value);
    }

    /** A string in single or double quotes; the escapes are IoT Hub's: \' \" \\ and \\uXXXX. */
    private Token string(char quote) {
        int start = pos;
        StringBuilder value = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= text.length()) {
                throw RouteException.syntax(start + 1, "unterminated string: no closing " + quote);
            }
            char c = text.charAt(pos);
            if (c == quote) {
                pos++;
                return new Token(Kind.STRING, start, text.substring(start, pos), value.toString(), 0);
            }
            if (c != '\\') {
                value.append(c);
                pos++;
                continue;
            }
            char escaped = pos + 1 < text.length() ? text.charAt(pos + 1) : ' ';
            if (escaped == '\'' || escaped == '"' || escaped == '\\') {
                value.append(escaped);
                pos += 2;
            } else if (escaped == 'u' && pos + 6 <= text.length() && isHex(text.substring(pos + 2, pos + 6))) {
                value.append((char) Integer.parseInt(text.substring(pos + 2, pos + 6), 16));
                pos += 6;
            } else {
                throw RouteException.syntax(pos + 1, "unknown escape in a string: strings allow \\', \\\", \\\\ and \\uXXXX");
            }
        }
    }

    private int nameEnd(int from, boolean brackets) {
        int end = from;
        while (end < text.length() && isNameChar(text.charAt(end), brackets)) {
            end++;
        }
        return end;
    }

    private int digitsEnd(int from) {
        int end = from;
        while (end < text.length() && isDigit(text.charAt(end))) {
            end++;
        }
        return end;
    }

    private boolean at(int index, char c) {
        return index < text.length() && text.charAt(index) == c;
    }

    private static boolean isNameChar(char c, boolean brackets) {
        return !Character.isWhitespace(c) && NOT_IN_NAMES.indexOf(c) < 0 && (brackets || c != '[' && c != ']');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHex(String digits) {
        return digits.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }
}
