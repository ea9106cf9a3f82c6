package io.eflow.contract.route;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A value of the routing query language: JSON's types plus {@code undefined}, the value of anything missing.
 *
 * <p>Message properties have no type of their own: they are text, and {@code severity > 3} is how users compare them.
 * Their values are therefore {@link Str#untyped() untyped} strings, read as a number or a Boolean where the operation
 * needs one (compared with a number, in arithmetic, under AND/OR/NOT), and as text otherwise. Strings from literals
 * and JSON bodies keep their type: {@code $body.code = 5} is undefined when code is "5", as IoT Hub has it.
 */
public sealed interface Value {
    Value UNDEFINED = new Undefined();
    Value NULL = new Null();
    Value TRUE = new Bool(true);
    Value FALSE = new Bool(false);

    static Value of(boolean value) {
        return value ? TRUE : FALSE;
    }

    /** A number; infinities and NaN (1/0, SQRT(-1)) have no JSON form and are undefined. */
    static Value number(double value) {
        return Double.isFinite(value) ? new Num(value) : UNDEFINED;
    }

    static Value fromJson(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return UNDEFINED;
        }
        return switch (node.getNodeType()) {
            case STRING -> new Str(node.textValue(), false);
            case NUMBER -> number(node.doubleValue());
            case BOOLEAN -> of(node.booleanValue());
            case NULL -> NULL;
            case OBJECT, ARRAY -> new Json(node);
            default -> UNDEFINED;
        };
    }

    /** This value as a number, or NaN when it is not one. */
    default double asNumber() {
        return Double.NaN;
    }

    /** This value as a Boolean, or null when it is not one. */
    default Boolean asBoolean() {
        return null;
    }

    /** A string of either kind, or null. */
    default String asString() {
        return null;
    }

    record Undefined() implements Value {
        @Override
        public String toString() {
            return "undefined";
        }
    }

    record Null() implements Value {
        @Override
        public String toString() {
            return "null";
        }
    }

    record Bool(boolean value) implements Value {
        @Override
        public Boolean asBoolean() {
            return value;
        }

        @Override
        public String toString() {
            return Boolean.toString(value);
        }
    }

    record Num(double value) implements Value {
        @Override
        public double asNumber() {
            return value;
        }

        @Override
        public String toString() {
            return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
        }
    }

    /** @param untyped the text of a message property, which may stand for a number or a Boolean */
    record Str(String value, boolean untyped) implements Value {
        @Override
        public double asNumber() {
            return untyped ? Numbers.parse(value) : Double.NaN;
        }

        @Override
        public Boolean asBoolean() {
            if (untyped && value.equalsIgnoreCase("true")) {
                return Boolean.TRUE;
            }
            return untyped && value.equalsIgnoreCase("false") ? Boolean.FALSE : null;
        }

        @Override
        public String asString() {
            return value;
        }

        @Override
        public String toString() {
            return "'" + value + "'";
        }
    }

    /** A JSON object or array from a body: it can be tested (IS_OBJECT, IS_ARRAY) but not compared. */
    record Json(JsonNode node) implements Value {
        @Override
        public String toString() {
            return node.toString();
        }
    }
}
