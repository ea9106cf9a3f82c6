package io.eflow.contract.route;

/** The arithmetic operators: numbers only (message properties read as numbers); anything else gives undefined. */
enum Arithmetic {
    ADD("+"), SUBTRACT("-"), MULTIPLY("*"), DIVIDE("/"), REMAINDER("%");

    private final String symbol;

    Arithmetic(String symbol) {
        this.symbol = symbol;
    }

    Value apply(Value left, Value right) {
        double a = left.asNumber();
        double b = right.asNumber();
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Value.UNDEFINED;
        }
        return Value.number(switch (this) {
            case ADD -> a + b;
            case SUBTRACT -> a - b;
            case MULTIPLY -> a * b;
            case DIVIDE -> a / b;
            case REMAINDER -> a % b;
        });
    }

    @Override
    public String toString() {
        return symbol;
    }
}
