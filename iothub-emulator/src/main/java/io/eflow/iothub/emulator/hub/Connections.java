package io.eflow.iothub.emulator.hub;

import io.eflow.iothub.emulator.registry.HubException;
import io.eflow.iothub.emulator.registry.IdentityRef;
import io.eflow.iothub.emulator.registry.Registry;
import io.eflow.iothub.emulator.registry.RegistryEvent;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connected devices and modules, one connection per identity (a new one replaces the old, which IoT Hub drops), and
 * the cloud-to-device queues. Registry events reach the connections here: desired changes are pushed, revoked
 * credentials drop the connection.
 */
public final class Connections {
    /** IoT Hub's limit of cloud-to-device messages waiting per device (error 403004 past it). */
    public static final int CLOUD_QUEUE_DEPTH = 50;

    private final Registry registry;
    private final Map<IdentityRef, DeviceLink> links = new ConcurrentHashMap<>();
    private final Map<String, Deque<CloudMessage>> cloudQueues = new HashMap<>();

    public Connections(Registry registry) {
        this.registry = registry;
        registry.addListener(this::onRegistryEvent);
    }

    /** A connection authenticated: it replaces any earlier one of the same identity. */
    public void connected(DeviceLink link) {
        DeviceLink previous = links.put(link.ref(), link);
        if (previous != null && previous != link) {
            previous.close("a new connection of '" + link.ref() + "' replaced it");
        }
    }

    public void disconnected(DeviceLink link) {
        links.remove(link.ref(), link);
    }

    public Optional<DeviceLink> link(IdentityRef ref) {
        return Optional.ofNullable(links.get(ref));
    }

    public boolean isConnected(IdentityRef ref) {
        return links.containsKey(ref);
    }

    /**
     * Queues a message for a device and delivers what waits if it listens.
     *
     * @throws HubException 404 for an unknown device, 403 when its queue is full
     */
    public void sendToDevice(String deviceId, CloudMessage message) {
        registry.device(deviceId);
        synchronized (cloudQueues) {
            Deque<CloudMessage> queue = cloudQueues.computeIfAbsent(deviceId, id -> new ArrayDeque<>());
            if (queue.size() >= CLOUD_QUEUE_DEPTH) {
                throw new HubException(403, "DeviceMaximumQueueDepthExceeded", "The queue of device '" + deviceId
                        + "' already holds " + CLOUD_QUEUE_DEPTH + " messages.");
            }
            queue.addLast(message);
        }
        deliverCloudMessages(IdentityRef.device(deviceId));
    }

    /** Sends what waits for the device, when it is connected and subscribed; called again when it subscribes. */
    public void deliverCloudMessages(IdentityRef device) {
        DeviceLink link = links.get(device);
        if (link == null || !link.acceptsCloudMessages()) {
            return;
        }
        while (true) {
            CloudMessage next;
            synchronized (cloudQueues) {
                Deque<CloudMessage> queue = cloudQueues.get(device.deviceId());
                next = queue == null ? null : queue.pollFirst();
            }
            if (next == null) {
                return;
            }
            link.sendCloudMessage(next);
        }
    }

    private void onRegistryEvent(RegistryEvent event) {
        DeviceLink link = links.get(event.ref());
        if (link == null) {
            return;
        }
        // (a pattern switch would need Java 21; the build targets 17)
        if (event instanceof RegistryEvent.DesiredChanged changed) {
            if (link.acceptsDesired()) {
                link.sendDesired(changed.patch());
            }
        } else if (event instanceof RegistryEvent.AccessRevoked revoked) {
            links.remove(revoked.ref(), link);
            link.close("the credentials of '" + revoked.ref() + "' were revoked");
        }
    }
}
