package io.eflow.iothub.emulator.hub;

import io.eflow.iothub.emulator.registry.IdentityRef;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What devices and modules sent, in arrival order, for tests and tools to read (IoT Hub hands it to its Event Hubs
 * endpoint; the emulator keeps it in memory instead). Bounded: the oldest messages go first past {@link #CAPACITY}
 * messages or {@link #CAPACITY_BYTES} of bodies.
 */
public final class Telemetry {
    public static final int CAPACITY = 100_000;
    public static final long CAPACITY_BYTES = 64L * 1024 * 1024;

    private final Clock clock;
    private final Deque<ReceivedMessage> messages = new ArrayDeque<>();
    private long sequence;
    private long bytes;

    public Telemetry(Clock clock) {
        this.clock = clock;
    }

    public synchronized ReceivedMessage add(IdentityRef from, byte[] body, Map<String, String> properties,
                                            Map<String, String> systemProperties) {
        ReceivedMessage message = new ReceivedMessage(++sequence, from, body, properties, systemProperties, clock.instant());
        messages.addLast(message);
        bytes += body.length;
        while (messages.size() > CAPACITY || bytes > CAPACITY_BYTES) {
            bytes -= messages.removeFirst().body().length;
        }
        return message;
    }

    /** The messages of a device (any of its modules, or only {@code moduleId}'s), all when no device is named. */
    public synchronized List<ReceivedMessage> received(Optional<String> deviceId, Optional<String> moduleId) {
        List<ReceivedMessage> result = new ArrayList<>();
        for (ReceivedMessage message : messages) {
            if (deviceId.isPresent() && !deviceId.get().equals(message.from().deviceId())) {
                continue;
            }
            if (moduleId.isPresent() && !moduleId.equals(message.from().moduleId())) {
                continue;
            }
            result.add(message);
        }
        return result;
    }
}
