package io.eflow.edge.hub.upstream;

import io.eflow.edge.hub.message.HubMessage;
import io.eflow.edge.hub.message.HubMessageCodec;
import io.eflow.edge.hub.message.MessageSource;
import io.eflow.edge.hub.message.PropertyBag;
import io.eflow.edge.hub.store.Destination;
import io.eflow.edge.hub.store.Message;
import io.eflow.edge.hub.store.MessageStore;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.lang.System.Logger.Level.ERROR;

/**
 * The device's cloud-to-device messages as IoT Hub sends them, on {@code devices/{deviceId}/messages/devicebound/{bag}}
 * at QoS 1: each is made durable in the store's {@link UpstreamConnector#DEVICEBOUND} queue before it is
 * acknowledged. Paho acknowledges when its callback returns, so {@link #keep} waits for the store, and when the
 * store does not take the message it throws, and IoT Hub, without its PUBACK, sends the message again.
 */
final class CloudToDevice {
    private static final System.Logger LOG = System.getLogger(CloudToDevice.class.getName());
    /** How long a message from IoT Hub waits for the store: Paho's callback thread of that connection waits as long. */
    static final Duration KEEP_TIMEOUT = Duration.ofSeconds(10);
    /** The store's ordering key of the messages: one source, so they stay in IoT Hub's order. */
    private static final String SOURCE = "$cloud";

    private final MessageStore store;
    private final String prefix;

    CloudToDevice(MessageStore store, String deviceId) {
        this.store = store;
        this.prefix = Topics.devicebound(deviceId);
    }

    /**
     * Keeps the message of {@code topic}, its properties from the topic's bag (IoT Hub's message id and the others as
     * system properties, the sender's as application properties).
     *
     * @throws NotKeptException when the store did not take it in time: it must not be acknowledged
     */
    void keep(String topic, byte[] payload) {
        if (!topic.startsWith(prefix)) {
            LOG.log(ERROR, "upstream: a message on {0} came on the device''s connection, which subscribed to {1}#; ignored",
                    topic, prefix);
            return;
        }
        PropertyBag.Properties properties;
        try {
            properties = PropertyBag.decode(topic.substring(prefix.length()));
        } catch (IllegalArgumentException e) {
            // sent again it would be as unreadable: refusing it would block the device's queue in IoT Hub for good
            LOG.log(ERROR, "upstream: a cloud-to-device message with a malformed property bag was dropped: {0}", topic);
            return;
        }
        // the device is the message's source as far as the hub goes: it is delivered to the device, never routed
        HubMessage message = new HubMessage(payload, properties.system(), properties.application(), MessageSource.device());
        try {
            store.append(new Message(SOURCE, HubMessageCodec.encode(message)),
                    List.of(Destination.of(UpstreamConnector.DEVICEBOUND))).get(KEEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new NotKeptException("the store refused a cloud-to-device message: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new NotKeptException("the store did not take a cloud-to-device message in " + KEEP_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotKeptException("interrupted while storing a cloud-to-device message", e);
        } catch (RuntimeException e) {
            throw new NotKeptException("the store refused a cloud-to-device message: " + e.getMessage(), e);
        }
    }
}
