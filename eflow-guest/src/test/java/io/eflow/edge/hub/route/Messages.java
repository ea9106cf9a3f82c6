package io.eflow.edge.hub.route;

import io.eflow.contract.route.Condition;
import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.MessageSource;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Messages for the routing tests, built a property at a time. */
final class Messages {
    private final Map<String, String> system = new LinkedHashMap<>();
    private final Map<String, String> application = new LinkedHashMap<>();
    private MessageSource source = MessageSource.module("sensor", "temperatureOutput");
    private byte[] body = new byte[0];

    static Messages message() {
        return new Messages();
    }

    /** A JSON body, declared as IoT Hub wants it to be queryable. */
    Messages json(String json) {
        return system("contentType", "application/json").system("contentEncoding", "utf-8").body(json);
    }

    Messages body(String text) {
        body = text.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    Messages body(byte[] bytes) {
        body = bytes;
        return this;
    }

    Messages system(String name, String value) {
        system.put(name, value);
        return this;
    }

    Messages property(String name, String value) {
        application.put(name, value);
        return this;
    }

    Messages from(MessageSource from) {
        source = from;
        return this;
    }

    HubMessage build() {
        return new HubMessage(body, system, application, source);
    }

    /** What a condition evaluates to for this message, as the language writes it: true, 3, 'text', undefined. */
    String evaluate(String condition) {
        return Condition.parse(condition).evaluate(new Evaluation(build())).toString();
    }
}
