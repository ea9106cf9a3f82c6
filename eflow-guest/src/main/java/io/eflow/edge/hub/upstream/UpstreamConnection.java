package io.eflow.edge.hub.upstream;

import io.eflow.edge.proxy.EarlyEndGuard;
import io.eflow.edge.proxy.GuestProxy;
import io.eflow.edge.proxy.TunnelSocketFactory;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocketFactory;

import static java.lang.System.Logger.Level.WARNING;

/**
 * One MQTT connection of the upstream link and the publishes awaiting their PUBACK on it. A connection that breaks
 * is never reused: the connector abandons it, hands its unacknowledged messages back to the store, and opens a new
 * one, so nothing Paho still holds from an old connection can be sent out of order on a new one.
 */
final class UpstreamConnection implements MqttCallback, IMqttActionListener {
    private static final System.Logger LOG = System.getLogger(UpstreamConnection.class.getName());

    private final MqttAsyncClient client;
    private final LongConsumer onAck;
    private final BiConsumer<String, byte[]> onMessage;
    /** Store sequence -> System.nanoTime() of the publish, in publish order. */
    private final TreeMap<Long, Long> pending = new TreeMap<>();
    private Throwable broken;

    private UpstreamConnection(MqttAsyncClient client, LongConsumer onAck, BiConsumer<String, byte[]> onMessage) {
        this.client = client;
        this.onAck = onAck;
        this.onMessage = onMessage;
    }

    /**
     * Connects and subscribes.
     *
     * @param onAck     a message's PUBACK came: called on Paho's callback thread, also after the link broke
     * @param onMessage a message came on a subscription: called on Paho's callback thread
     * @throws ConnectionException when the endpoint cannot be reached or refuses the login or a subscription
     */
    static UpstreamConnection open(UpstreamSettings settings, UpstreamSettings.Login login, UpstreamOptions options,
                     List<String> subscriptions, LongConsumer onAck, BiConsumer<String, byte[]> onMessage)
            throws ConnectionException {
        MqttAsyncClient client;
        try {
            client = new MqttAsyncClient(Endpoints.paho(settings.endpoint()), login.clientId(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new ConnectionException("cannot create an MQTT client for " + settings.endpoint() + ": " + describe(e), e);
        }
        UpstreamConnection link = new UpstreamConnection(client, onAck, onMessage);
        client.setCallback(link);
        MqttConnectOptions connect = new MqttConnectOptions();
        connect.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        // the store keeps what is unsent; a broker session would only resend what the store resends anyway
        connect.setCleanSession(true);
        connect.setAutomaticReconnect(false);
        connect.setKeepAliveInterval((int) options.keepAlive().toSeconds());
        connect.setConnectionTimeout((int) options.connectTimeout().toSeconds());
        // a little room above the window: Paho's own count of a publish may trail the PUBACK that freed its place in ours
        connect.setMaxInflight(options.window() + 8);
        login.username().ifPresent(connect::setUserName);
        login.password().map(String::toCharArray).ifPresent(connect::setPassword);
        if ("mqtts".equals(settings.endpoint().getScheme())) {
            // a certificate login brings TLS that presents the certificate; every other uses the endpoint's
            // through the instance's https proxy (CONNECT) when it has one for the endpoint's host
            connect.setSocketFactory(new TunnelSocketFactory(login.clientTls().or(settings::tls)
                    .orElseGet(() -> (SSLSocketFactory) SSLSocketFactory.getDefault()), GuestProxy.INSTANCE));
            connect.setHttpsHostnameVerificationEnabled(true);
        } else {
            connect.setSocketFactory(new EarlyEndGuard());
        }
        long waitMillis = options.connectTimeout().toMillis() + 1000;
        try {
            client.connect(connect).waitForCompletion(waitMillis);
            if (!subscriptions.isEmpty()) {
                int[] qos = new int[subscriptions.size()];
                Arrays.fill(qos, 1);
                IMqttToken subscribed = client.subscribe(subscriptions.toArray(String[]::new), qos);
                subscribed.waitForCompletion(waitMillis);
                for (int granted : subscribed.getGrantedQos()) {
                    if (granted == 0x80) {
                        throw new ConnectionException("the endpoint refused a subscription to " + subscriptions, null);
                    }
                }
            }
        } catch (MqttException e) {
            link.abandon();
            throw new ConnectionException("cannot connect to " + settings.endpoint() + ": " + describe(e), e);
        } catch (ConnectionException e) {
            link.abandon();
            throw e;
        }
        return link;
    }

    /**
     * Publishes a message at least once; its PUBACK reaches {@code onAck}. False when the connection is gone: the
     * message was not taken and the link is broken.
     *
     * @throws IllegalArgumentException when MQTT cannot carry the message (Paho refuses the topic); the link is fine
     */
    boolean publish(long sequence, String topic, byte[] body) {
        synchronized (this) {
            if (broken != null) {
                return false;
            }
            pending.put(sequence, System.nanoTime());
        }
        try {
            client.publish(topic, body, 1, false, sequence, this);
            return true;
        } catch (IllegalArgumentException e) {
            synchronized (this) {
                pending.remove(sequence);
            }
            throw e;
        } catch (MqttException | RuntimeException e) {
            synchronized (this) {
                pending.remove(sequence);
            }
            broke(e);
            return false;
        }
    }

    /** Publishes a request whose answer is awaited on its own terms (the twin's). */
    void publishOnce(String topic) {
        publishOnce(topic, new byte[0]);
    }

    /** Publishes at QoS 0 what is answered on a topic of its own (a twin request or a reported patch). */
    void publishOnce(String topic, byte[] payload) {
        try {
            client.publish(topic, payload, 0, false);
        } catch (MqttException e) {
            broke(e);
        }
    }

    /** Free places in a window of {@code window}, waiting up to {@code maxNanos} for one; 0 when none came or the link broke. */
    synchronized int awaitRoom(int window, long maxNanos) throws InterruptedException {
        long deadline = System.nanoTime() + maxNanos;
        while (broken == null && pending.size() >= window) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return 0;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return broken == null ? window - pending.size() : 0;
    }

    /** Waits until every publish has its PUBACK, the link broke, or {@code maxNanos} passed; true when all came. */
    synchronized boolean awaitAcks(long maxNanos) throws InterruptedException {
        long deadline = System.nanoTime() + maxNanos;
        while (broken == null && !pending.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return pending.isEmpty();
    }

    synchronized int pendingCount() {
        return pending.size();
    }

    /** How long the oldest publish without its PUBACK has waited; 0 when none waits. */
    synchronized long oldestWaitNanos(long nowNanos) {
        return pending.isEmpty() ? 0 : nowNanos - pending.firstEntry().getValue();
    }

    synchronized Throwable broken() {
        return broken;
    }

    synchronized void broke(Throwable cause) {
        if (broken == null) {
            broken = cause;
        }
        notifyAll();
    }

    /**
     * Ends the connection: with a DISCONNECT when it is still up, cut otherwise. Returns the sequences still
     * awaiting their PUBACK, in order: the caller hands them back to the store.
     */
    List<Long> close() {
        boolean orderly;
        synchronized (this) {
            orderly = broken == null;
            broke(new ConnectionException("closed", null));
        }
        if (orderly) {
            try {
                client.disconnect(0).waitForCompletion(2000);
            } catch (MqttException e) {
                // it was going anyway; the forced close below finishes it
            }
        }
        return abandon();
    }

    private List<Long> abandon() {
        try {
            client.disconnectForcibly(0, 1000, false);
        } catch (MqttException alreadyDown) {
            // a lost connection is disconnected already
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.log(WARNING, "the MQTT client did not close cleanly: {0}", describe(e));
        }
        synchronized (this) {
            List<Long> unacknowledged = new ArrayList<>(pending.keySet());
            pending.clear();
            notifyAll();
            return unacknowledged;
        }
    }

    // Paho's callbacks

    @Override
    public void onSuccess(IMqttToken token) {
        long sequence = (Long) token.getUserContext();
        synchronized (this) {
            pending.remove(sequence);
            notifyAll();
        }
        // the endpoint has it even if the link broke since: acknowledging spares a duplicate
        onAck.accept(sequence);
    }

    @Override
    public void onFailure(IMqttToken token, Throwable cause) {
        broke(cause);
    }

    @Override
    public void connectionLost(Throwable cause) {
        broke(cause);
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        // Paho acknowledges a QoS 1 message when this returns; an exception thrown here makes it drop the connection
        // instead, without acknowledging
        try {
            onMessage.accept(topic, message.getPayload());
        } catch (NotKeptException e) {
            // the link starts over and the endpoint sends the message again: losing it silently is worse
            LOG.log(WARNING, "upstream: a message on {0} was not kept, so not acknowledged: {1}", topic, e.getMessage());
            broke(e);
            throw e;
        } catch (RuntimeException e) {
            LOG.log(WARNING, "a message on " + topic + " from upstream could not be handled", e);
        }
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
        // each publish has its own listener (onSuccess)
    }

    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        if (e instanceof MqttException mqtt && mqtt.getReasonCode() != MqttException.REASON_CODE_CLIENT_EXCEPTION) {
            text.append(" (reason ").append(mqtt.getReasonCode()).append(")");
        }
        String hint = null;
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
            // Paho and the JDK often repeat a cause's message in its wrapper's
            if (cause != e && !text.toString().contains(message)) {
                text.append(": ").append(message);
            }
            hint = hint != null ? hint : hint(cause);
        }
        return hint == null ? text.toString() : text + " (" + hint + ")";
    }

    /** What an operator can do about the usual failures. */
    private static String hint(Throwable cause) {
        if (cause instanceof MqttException mqtt && (mqtt.getReasonCode() == MqttException.REASON_CODE_FAILED_AUTHENTICATION
                || mqtt.getReasonCode() == MqttException.REASON_CODE_NOT_AUTHORIZED)) {
            return "the endpoint refused the login: check the device id and key, or the user and password";
        }
        if (cause instanceof SSLHandshakeException) {
            return "TLS failed: the server's certificate must name the host and be signed by a CA this device "
                    + "trusts; a broker with a CA of its own is given as mqtts://…?ca=/path/ca.pem";
        }
        if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
            return "nothing answers there: check the host name and port, and that the network reaches it";
        }
        return null;
    }
}
