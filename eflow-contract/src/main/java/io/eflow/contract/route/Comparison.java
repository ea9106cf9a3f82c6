package io.eflow.contract.route;

/**
 * The comparison operators. Like IoT Hub's, they are three-valued: comparing with {@code undefined}, or comparing
 * values of different types, gives {@code undefined}, and a route whose condition is not true does not match.
 */
enum Comparison {
    EQ("="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">=");

    /** Returned by {@link #order} when two values cannot be compared. */
    private static final int UNORDERED = Integer.MIN_VALUE;

    private final String symbol;

    Comparison(String symbol) {
        this.symbol = symbol;
    }

    Value apply(Value left, Value right) {
        int order = order(left, right, this != EQ && this != NE);
        if (order == UNORDERED) {
            return Value.UNDEFINED;
        }
        return Value.of(switch (this) {
            case EQ -> order == 0;
            case NE -> order != 0;
            case LT -> order < 0;
            case LE -> order <= 0;
            case GT -> order > 0;
            case GE -> order >= 0;
        });
    }

    /**
     * Negative, zero or positive as left is less than, equal to or greater than right; for values that are only
     * equal or not (Booleans, null), nonzero means unequal and {@code ordering} makes them unordered.
     */
    private static int order(Value left, Value right, boolean ordering) {
        if (left instanceof Value.Num || right instanceof Value.Num) {
            return numbers(left.asNumber(), right.asNumber());
        }
        if (left instanceof Value.Str a && right instanceof Value.Str b) {
            return Integer.signum(a.value().compareTo(b.value())); // ordinal, case-sensitive, as IoT Hub compares
        }
        if (left instanceof Value.Bool || right instanceof Value.Bool) {
            Boolean a = left.asBoolean();
            Boolean b = right.asBoolean();
            return a == null || b == null || ordering ? UNORDERED : a.equals(b) ? 0 : 1;
        }
        if (left instanceof Value.Null && right instanceof Value.Null) {
            return ordering ? UNORDERED : 0;
        }
        return UNORDERED;
    }

    /** NaN stands for "not a number" here, so it is unordered, and -0 equals 0. */
    private static int numbers(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return UNORDERED;
        }
        return a < b ? -1 : a > b ? 1 : 0;
    }

    @Override
    public String toString() {
        return symbol;
    }
}
