package io.eflow.edge.hub.upstream;

import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.HubMessageCodec;
import io.eflow.edge.hub.message.MessageSource;
import io.eflow.edge.hub.message.PropertyBag;
import io.eflow.edge.hub.store.Destination;
import io.eflow.edge.hub.store.EndpointMetrics;
import io.eflow.edge.hub.store.Message;
import io.eflow.edge.hub.store.MessageStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Numbered messages routed to {@code $upstream}, and how to read their numbers back on the far side. */
final class Events {
    static final String DEVICE = "edge-1";
    static final String FILTER = "devices/" + DEVICE + "/messages/events/#";

    private Events() {
    }

    /** Message {@code n}: "message n" from module sensor's output out, with its number in application property n. */
    static HubMessage numbered(int n) {
        return new HubMessage(("message " + n).getBytes(StandardCharsets.UTF_8), Map.of(), Map.of("n", Integer.toString(n)),
                MessageSource.module("sensor", "out"));
    }

    /** Stores messages {@code from}..{@code to}-1 for upstream, in order, and waits until all are durable. */
    static void append(MessageStore store, int from, int to) {
        List<CompletableFuture<Long>> appended = new ArrayList<>();
        for (int n = from; n < to; n++) {
            appended.add(append(store, numbered(n)));
        }
        appended.forEach(CompletableFuture::join);
    }

    static CompletableFuture<Long> append(MessageStore store, HubMessage message) {
        return store.append(new Message("sensor/out", HubMessageCodec.encode(message)),
                List.of(Destination.of(UpstreamConnector.ENDPOINT)));
    }

    static EndpointMetrics upstream(MessageStore store) {
        return store.metrics().endpoints().get(UpstreamConnector.ENDPOINT);
    }

    /** The number of a message as published: property n of the topic's bag. */
    static int number(String topic) {
        return Integer.parseInt(PropertyBag.decode(topic.substring(topic.lastIndexOf('/') + 1)).application().get("n"));
    }

    static List<Integer> numbers(List<String> topics) {
        return topics.stream().filter(t -> t.startsWith("devices/")).map(Events::number).toList();
    }

    /** Each number once, where it first came: at-least-once delivery in order shows as 0, 1, 2, … here. */
    static List<Integer> firstOccurrences(List<Integer> numbers) {
        return List.copyOf(new LinkedHashSet<>(numbers));
    }

    static List<Integer> range(int from, int to) {
        List<Integer> numbers = new ArrayList<>();
        for (int n = from; n < to; n++) {
            numbers.add(n);
        }
        return numbers;
    }
}
