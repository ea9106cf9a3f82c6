package io.eflow.contract.route;

/** A route's {@code INTO}: where matching messages go. Two routes into equal sinks deliver a message there once. */
public sealed interface Sink {

    /** As written in a route. */
    String text();

    /** {@code $upstream}: IoT Hub. */
    record Upstream() implements Sink {
        @Override
        public String text() {
            return "$upstream";
        }
    }

    /** {@code BrokeredEndpoint("/modules/{moduleId}/inputs/{input}")}: an input of a module. */
    record ModuleInput(String moduleId, String input) implements Sink {
        @Override
        public String text() {
            return "BrokeredEndpoint(\"/modules/" + moduleId + "/inputs/" + input + "\")";
        }
    }
}
