package io.eflow.contract.route;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** A parsed condition: a tree evaluated once per message, with no parsing or lookups by reflection on the way. */
sealed interface Expr {

    Value evaluate(ConditionInput message);

    record Literal(Value value) implements Expr {
        @Override
        public Value evaluate(ConditionInput message) {
            return value;
        }
    }

    /** A bare name: an application property. */
    record ApplicationProperty(String name) implements Expr {
        @Override
        public Value evaluate(ConditionInput message) {
            return text(message.applicationProperty(name));
        }
    }

    /**
     * {@code $name}: a system property; when the message has none of that name, an application property named
     * {@code $name}, as IoT Hub's documentation says it looks.
     */
    record SystemProperty(String name) implements Expr {
        @Override
        public Value evaluate(ConditionInput message) {
            String value = message.systemProperty(name);
            return text(value != null ? value : message.applicationProperty("$" + name));
        }
    }

    /** {@code $body.a.b[0]}: a value in a JSON body, case-sensitive as JSON is. */
    record BodyPath(String path, List<Step> steps) implements Expr {
        public BodyPath {
            steps = List.copyOf(steps);
        }

        @Override
        public Value evaluate(ConditionInput message) {
            JsonNode node = message.body();
            for (int i = 0; node != null && i < steps.size(); i++) {
                node = steps.get(i).select(node);
            }
            return Value.fromJson(node);
        }
    }

    /** One step of a body path. */
    sealed interface Step {
        /** The member or element it names, or null. */
        JsonNode select(JsonNode node);
    }

    record Member(String name) implements Step {
        @Override
        public JsonNode select(JsonNode node) {
            return node.isObject() ? node.get(name) : null;
        }
    }

    record Element(int index) implements Step {
        @Override
        public JsonNode select(JsonNode node) {
            return node.isArray() ? node.get(index) : null;
        }
    }

    record Not(Expr operand) implements Expr {
        @Override
        public Value evaluate(ConditionInput message) {
            Boolean value = operand.evaluate(message).asBoolean();
            return value == null ? Value.UNDEFINED : Value.of(!value);
        }
    }

    /** False when either side is false, whatever the other; true when both are true; otherwise undefined. */
    record And(Expr left, Expr right) implements Expr {
        @Override
        public Value evaluate(ConditionInput message) {
            Boolean a = left.evaluate(message).asBoolean();
            if (Boolean.FALSE.equals(a)) {
                return Value.FALSE;
            }
            Boolean b = right.evaluate(message).asBoolean();
            if (Boolean.FALSE.equals(b)) {
                return Value.FALSE;
            }
            return a == null || b == null ? Value.UNDEFINED : Value.TRUE;
        }
    }

    /** True when either side is true, whatever the other; false when both are false; otherwise undefined. */
    record Or(Expr left, Expr right) implements Expr {
        @Override
        public Value evaluate(ConditionInput message) {
            Boolean a = left.evaluate(message).asBoolean();
            if (Boolean.TRUE.equals(a)) {
                return Value.TRUE;
            }
            Boolean b = right.evaluate(message).asBoolean();
            if (Boolean.TRUE.equals(b)) {
                return Value.TRUE;
            }
            return a == null || b == null ? Value.UNDEFINED : Value.FALSE;
        }
    }

    record Compare(Comparison operator, Expr left, Expr right) implements Expr {
        @Override
        public Value evaluate(ConditionInput message) {
            return operator.apply(left.evaluate(message), right.evaluate(message));
        }
    }

    record Calculate(Arithmetic operator, Expr left, Expr right) implements Expr {
        @Override
        public Value evaluate(ConditionInput message) {
            return operator.apply(left.evaluate(message), right.evaluate(message));
        }
    }

    record Negate(Expr operand) implements Expr {
        @Override
        public Value evaluate(ConditionInput message) {
            return Value.number(-operand.evaluate(message).asNumber());
        }
    }

    record Call(Builtin function, List<Expr> arguments) implements Expr {
        public Call {
            arguments = List.copyOf(arguments);
        }

        @Override
        public Value evaluate(ConditionInput message) {
            Value[] values = new Value[arguments.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = arguments.get(i).evaluate(message);
            }
            return function.apply(values);
        }
    }

    private static Value text(String propertyValue) {
        return propertyValue == null ? Value.UNDEFINED : new Value.Str(propertyValue, true);
    }
}
