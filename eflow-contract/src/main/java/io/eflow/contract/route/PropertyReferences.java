package io.eflow.contract.route;

import java.util.ArrayList;
import java.util.List;

/** What a {@code $} name refers to: a system property, or with {@code $body.} a value in the message's JSON body. */
final class PropertyReferences {
    private static final String BODY = "body";

    private PropertyReferences() {
    }

    static Expr dollar(Token token) {
        String name = token.value();
        int column = token.column() + 1; // of the name's first character, after the '$'
        boolean body = name.regionMatches(true, 0, BODY, 0, BODY.length());
        if (body && name.length() == BODY.length() || body && name.charAt(BODY.length()) == '[') {
            // IoT Hub: "You can't run queries or functions on the entire body reference" ($body[0] is undefined)
            return new Expr.Literal(Value.UNDEFINED);
        }
        if (body && name.charAt(BODY.length()) == '.') {
            int start = BODY.length() + 1;
            return new Expr.BodyPath(name.substring(start), bodyPath(name.substring(start), column + start));
        }
        int bracket = firstBracket(name);
        if (bracket >= 0) {
            throw RouteException.syntax(column + bracket, "'" + name.charAt(bracket) + "' belongs in $body paths only");
        }
        return new Expr.SystemProperty(name);
    }

    /** {@code a.b[0].c}: members by name (any characters but . [ ]), array elements by a 0-based index. */
    private static List<Expr.Step> bodyPath(String path, int column) {
        List<Expr.Step> steps = new ArrayList<>();
        int i = 0;
        while (true) {
            int start = i;
            while (i < path.length() && path.charAt(i) != '.' && path.charAt(i) != '[' && path.charAt(i) != ']') {
                i++;
            }
            if (i == start) {
                throw RouteException.syntax(column + i, "expected a member name in the $body path");
            }
            steps.add(new Expr.Member(path.substring(start, i)));
            while (i < path.length() && path.charAt(i) == '[') {
                int digits = ++i;
                while (i < path.length() && path.charAt(i) >= '0' && path.charAt(i) <= '9') {
                    i++;
                }
                if (i == digits || i >= path.length() || path.charAt(i) != ']' || i - digits > 9) {
                    throw RouteException.syntax(column + digits - 1, "expected an array index such as [0] in the $body path");
                }
                steps.add(new Expr.Element(Integer.parseInt(path.substring(digits, i))));
                i++;
            }
            if (i == path.length()) {
                return steps;
            }
            if (path.charAt(i) != '.') {
                throw RouteException.syntax(column + i, "unexpected '" + path.charAt(i) + "' in the $body path");
            }
            i++;
        }
    }

    private static int firstBracket(String name) {
        int open = name.indexOf('[');
        int close = name.indexOf(']');
        return open < 0 ? close : close < 0 ? open : Math.min(open, close);
    }
}
