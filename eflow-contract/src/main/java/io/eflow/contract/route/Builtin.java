package io.eflow.contract.route;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;

/**
 * The functions of IoT Hub's routing conditions, as its query language documentation lists them. Names ignore case.
 * An argument of the wrong type makes the result undefined, except for the type checks, which are always true or false.
 */
enum Builtin {
    IS_DEFINED(1, 1, args -> Value.of(!(args[0] instanceof Value.Undefined))),
    IS_NULL(1, 1, args -> Value.of(args[0] instanceof Value.Null)),
    IS_BOOL(1, 1, args -> Value.of(args[0] instanceof Value.Bool)),
    IS_NUMBER(1, 1, args -> Value.of(args[0] instanceof Value.Num)),
    IS_STRING(1, 1, args -> Value.of(args[0] instanceof Value.Str)),
    IS_OBJECT(1, 1, args -> Value.of(args[0] instanceof Value.Json json && json.node().isObject())),
    IS_ARRAY(1, 1, args -> Value.of(args[0] instanceof Value.Json json && json.node().isArray())),
    IS_PRIMITIVE(1, 1, args -> Value.of(args[0] instanceof Value.Str || args[0] instanceof Value.Num
            || args[0] instanceof Value.Bool || args[0] instanceof Value.Null)),
    /** Strings of either kind become numbers when they write one. */
    AS_NUMBER(1, 1, args -> args[0] instanceof Value.Num ? args[0]
            : args[0] instanceof Value.Str text ? Value.number(Numbers.parse(text.value())) : Value.UNDEFINED),

    ABS(1, 1, math(Math::abs)),
    EXP(1, 1, math(Math::exp)),
    POWER(2, 2, Builtin::power),
    SQUARE(1, 1, math(x -> x * x)),
    CEILING(1, 1, math(Math::ceil)),
    FLOOR(1, 1, math(Math::floor)),
    SIGN(1, 1, math(Math::signum)),
    SQRT(1, 1, math(Math::sqrt)),

    CONCAT(2, Integer.MAX_VALUE, Builtin::concat),
    LENGTH(1, 1, text(s -> Value.number(s.length()))),
    LOWER(1, 1, text(s -> new Value.Str(s.toLowerCase(Locale.ROOT), false))),
    UPPER(1, 1, text(s -> new Value.Str(s.toUpperCase(Locale.ROOT), false))),
    SUBSTRING(2, 3, Builtin::substring),
    INDEX_OF(2, 2, args -> texts(args) ? Value.number(args[0].asString().indexOf(args[1].asString())) : Value.UNDEFINED),
    STARTS_WITH(2, 2, args -> texts(args) ? Value.of(args[0].asString().startsWith(args[1].asString())) : Value.UNDEFINED),
    ENDS_WITH(2, 2, args -> texts(args) ? Value.of(args[0].asString().endsWith(args[1].asString())) : Value.UNDEFINED),
    CONTAINS(2, 2, args -> texts(args) ? Value.of(args[0].asString().contains(args[1].asString())) : Value.UNDEFINED);

    private static final Map<String, Builtin> BY_NAME = new HashMap<>();

    static {
        for (Builtin builtin : values()) {
            BY_NAME.put(builtin.name(), builtin);
        }
    }

    private final int minArguments;
    private final int maxArguments;
    private final Function<Value[], Value> body;

    Builtin(int minArguments, int maxArguments, Function<Value[], Value> body) {
        this.minArguments = minArguments;
        this.maxArguments = maxArguments;
        this.body = body;
    }

    /** The function of that name, ignoring case, or null. */
    static Builtin named(String name) {
        return BY_NAME.get(name.toUpperCase(Locale.ROOT));
    }

    /** Why {@code count} arguments do not fit, or null when they do. */
    String arityProblem(int count) {
        if (count >= minArguments && count <= maxArguments) {
            return null;
        }
        String expected = minArguments == maxArguments ? Integer.toString(minArguments)
                : maxArguments == Integer.MAX_VALUE ? minArguments + " or more" : minArguments + " to " + maxArguments;
        return name() + " takes " + expected + " argument" + (expected.equals("1") ? "" : "s") + ", not " + count;
    }

    Value apply(Value[] arguments) {
        return body.apply(arguments);
    }

    private static Function<Value[], Value> math(DoubleUnaryOperator operation) {
        return args -> Value.number(operation.applyAsDouble(args[0].asNumber())); // NaN in, undefined out
    }

    /** Checked, as POWER(NaN, 0) would be 1. */
    private static Value power(Value[] args) {
        double base = args[0].asNumber();
        double exponent = args[1].asNumber();
        return Double.isNaN(base) || Double.isNaN(exponent) ? Value.UNDEFINED : Value.number(Math.pow(base, exponent));
    }

    private static Function<Value[], Value> text(Function<String, Value> operation) {
        return args -> args[0].asString() == null ? Value.UNDEFINED : operation.apply(args[0].asString());
    }

    private static boolean texts(Value[] args) {
        for (Value arg : args) {
            if (arg.asString() == null) {
                return false;
            }
        }
        return true;
    }

    private static Value concat(Value[] args) {
        if (!texts(args)) {
            return Value.UNDEFINED;
        }
        StringBuilder joined = new StringBuilder();
        for (Value arg : args) {
            joined.append(arg.asString());
        }
        return new Value.Str(joined.toString(), false);
    }

    /** SUBSTRING(text, start [, length]): start is 0-based; past the end gives what is there, as far as it goes. */
    private static Value substring(Value[] args) {
        String text = args[0].asString();
        double start = args[1].asNumber();
        double length = args.length > 2 ? args[2].asNumber() : Double.MAX_VALUE;
        if (text == null || !isCount(start) || !isCount(length)) {
            return Value.UNDEFINED;
        }
        int from = (int) Math.min(start, text.length());
        int to = (int) Math.min(from + length, text.length());
        return new Value.Str(text.substring(from, to), false);
    }

    private static boolean isCount(double value) {
        return value >= 0 && value == Math.floor(value);
    }
}
