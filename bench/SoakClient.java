import io.eflow.contract.iothub.ConnectionString;
import io.eflow.contract.iothub.SasToken;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * bench/soak.sh's load and its witness, one JVM for both (the machine has two cores):
 * <ul>
 *   <li>a host application logged in to the edge hub as a hub identity, through a forward of the hub's TLS port,
 *       publishing numbered QoS 1 messages (256-byte bodies, property {@code seq}) on output {@code soak} at a steady
 *       rate, each sequence number written to {@code acked} when its PUBACK comes; what was not acknowledged when a
 *       connection broke is sent again on the next one, as an SDK client with a store of its own does. It also reads
 *       its inputs (the samples route the filter's alerts to {@code hostApp/inputs/alerts}), so no queue grows for it;</li>
 *   <li>a subscriber on the upstream mosquitto (persistent session, QoS 1, {@code #}) writing the {@code seq} of every
 *       message that arrives to {@code arrived}, duplicates included.</li>
 * </ul>
 * Every second it rewrites {@code stats}: {@code sent acked unacked arrived distinct missing duplicates alerts
 * upstreamOther connects resent refused}, where missing counts acknowledged numbers not (yet) seen upstream, resent
 * the messages sent again on a live connection after a minute without their PUBACK, and refused the publishes Paho
 * refused (not connected, say). It stops publishing
 * when {@code DIR/stop} appears (unacknowledged messages are still sent until acknowledged) and exits when
 * {@code DIR/quit} appears. soak.sh checks the files themselves; the counts here are for progress.
 * Usage: java -cp PAHO:EFLOW_CONTRACT SoakClient.java DIR CONNECTION_STRING_FILE CA_PEM HUB_PORT MOSQUITTO_PORT MSG_PER_S
 */
public final class SoakClient {
    static final Pattern SEQ = Pattern.compile("[/&?]seq=(\\d+)");
    static final int WINDOW = 500;

    final Path dir;
    final ConnectionString identity;
    final SSLSocketFactory tls;
    final int hubPort;
    final int mosquittoPort;
    final int rate;
    final ConcurrentSkipListSet<Long> unacked = new ConcurrentSkipListSet<>();
    /** When each unacknowledged message last went out (System.nanoTime()). */
    final ConcurrentHashMap<Long, Long> sentAt = new ConcurrentHashMap<>();
    final BitSet ackedSet = new BitSet();
    final BitSet arrivedSet = new BitSet();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong acked = new AtomicLong();
    final AtomicLong arrived = new AtomicLong();
    final AtomicLong alerts = new AtomicLong();
    final AtomicLong upstreamOther = new AtomicLong();
    final AtomicLong connects = new AtomicLong();
    final AtomicLong resent = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final PrintWriter ackedOut;
    final PrintWriter arrivedOut;
    volatile MqttAsyncClient hub;
    long next;

    SoakClient(String[] args) throws Exception {
        dir = Path.of(args[0]);
        identity = ConnectionString.parse(Files.readString(Path.of(args[1])));
        tls = trusting(Path.of(args[2]));
        hubPort = Integer.parseInt(args[3]);
        mosquittoPort = Integer.parseInt(args[4]);
        rate = Integer.parseInt(args[5]);
        ackedOut = new PrintWriter(Files.newBufferedWriter(dir.resolve("acked"), StandardOpenOption.CREATE, StandardOpenOption.APPEND));
        arrivedOut = new PrintWriter(Files.newBufferedWriter(dir.resolve("arrived"), StandardOpenOption.CREATE, StandardOpenOption.APPEND));
    }

    public static void main(String[] args) throws Exception {
        new SoakClient(args).run();
    }

    void run() throws Exception {
        MqttAsyncClient watcher = watch();
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
        ticks.scheduleAtFixedRate(this::tick, 0, 1_000_000 / rate, TimeUnit.MICROSECONDS);
        ticks.scheduleAtFixedRate(this::writeStats, 1, 1, TimeUnit.SECONDS);
        while (!Files.exists(dir.resolve("quit"))) {
            if (hub == null || !hub.isConnected()) {
                reconnect();
            } else {
                resendStale();
            }
            Thread.sleep(200);
        }
        ticks.shutdown();
        ticks.awaitTermination(5, TimeUnit.SECONDS);
        close(hub);
        close(watcher);
        writeStats();
    }

    /** One message per tick while connected and the window allows; a tick missed (outage, full window) is not made up. */
    synchronized void tick() {
        MqttAsyncClient client = hub;
        if (Files.exists(dir.resolve("stop")) || client == null || !client.isConnected() || unacked.size() >= WINDOW) {
            return;
        }
        long seq = next++;
        unacked.add(seq);
        publish(client, seq);
    }

    /** A message without its PUBACK for a minute on a live connection goes out again (the hub redelivers after 30 s). */
    synchronized void resendStale() {
        MqttAsyncClient client = hub;
        long now = System.nanoTime();
        for (long seq : unacked) {
            Long at = sentAt.get(seq);
            if (client != null && at != null && now - at > TimeUnit.SECONDS.toNanos(60)) {
                resent.incrementAndGet();
                publish(client, seq);
            }
        }
    }

    void publish(MqttAsyncClient client, long seq) {
        byte[] body = new byte[256];
        Arrays.fill(body, (byte) 'x');
        MqttMessage message = new MqttMessage(body);
        message.setQos(1);
        String topic = "devices/" + identity.deviceId() + "/modules/" + identity.moduleId().orElseThrow()
                + "/messages/events/%24.on=soak&seq=" + seq;
        try {
            client.publish(topic, message).setActionCallback(new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken done) {
                    // a PUBACK is the hub's promise, whichever connection carried it
                    if (unacked.remove(seq)) {
                        sentAt.remove(seq);
                        record(seq);
                    }
                }

                @Override
                public void onFailure(IMqttToken failed, Throwable cause) {
                    // stays unacknowledged: sent again on the next connection
                }
            });
            sentAt.put(seq, System.nanoTime());
            sent.incrementAndGet();
        } catch (MqttException e) {
            // not connected any more (sent again on the next connection), or refused (sent again after a minute)
            sentAt.put(seq, System.nanoTime());
            if (refused.incrementAndGet() <= 10) {
                System.err.println("soak: publish " + seq + " refused by the client: " + e.getReasonCode() + " " + e.getMessage());
            }
        }
    }

    synchronized void record(long seq) {
        if (!ackedSet.get((int) seq)) {
            ackedSet.set((int) seq);
            acked.incrementAndGet();
            ackedOut.println(seq);
        }
    }

    /** A new connection as the identity; everything unacknowledged goes out again on it, oldest first. */
    void reconnect() {
        close(hub);
        hub = null;
        String clientId = identity.deviceId() + "/" + identity.moduleId().orElseThrow();
        try {
            MqttAsyncClient client = new MqttAsyncClient("ssl://127.0.0.1:" + hubPort, clientId, new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
            options.setCleanSession(true);
            options.setUserName(identity.hostName() + "/" + clientId + "/?api-version=2018-06-30");
            options.setPassword(SasToken.sign(identity.resource(), identity.sharedAccessKey(), Instant.now().plusSeconds(86_400),
                    Optional.empty()).toString().toCharArray());
            options.setSocketFactory(tls);
            // the hub's certificate names the gateway host, not the forward's loopback address; trust is the edge CA alone
            options.setHttpsHostnameVerificationEnabled(false);
            options.setMaxInflight(WINDOW * 2);
            options.setConnectionTimeout(30);
            options.setKeepAliveInterval(30);
            client.setCallback(new MqttCallbackExtended() {
                @Override
                public void connectComplete(boolean reconnect, String serverURI) {
                }

                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String topic, MqttMessage message) {
                    alerts.incrementAndGet();
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            client.connect(options).waitForCompletion(60_000);
            client.subscribe("devices/" + identity.deviceId() + "/modules/" + identity.moduleId().orElseThrow() + "/inputs/#", 1)
                    .waitForCompletion(30_000);
            connects.incrementAndGet();
            synchronized (this) {
                for (long seq : unacked) {
                    publish(client, seq);
                }
                hub = client;
            }
        } catch (MqttException e) {
            sleep(1000);
        }
    }

    /** The upstream broker's subscriber: a persistent session, so what arrives while it reconnects waits for it. */
    MqttAsyncClient watch() throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient("tcp://127.0.0.1:" + mosquittoPort, "eflow-soak-watcher", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay(2000);
        options.setMaxInflight(1000);
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                try {
                    client.subscribe("#", 1);
                } catch (MqttException e) {
                    System.err.println("soak: cannot subscribe upstream: " + e);
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                Matcher m = SEQ.matcher(topic);
                if (!m.find()) {
                    upstreamOther.incrementAndGet();
                    return;
                }
                long seq = Long.parseLong(m.group(1));
                synchronized (SoakClient.this) {
                    arrived.incrementAndGet();
                    arrivedSet.set((int) seq);
                    arrivedOut.println(seq);
                }
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        client.connect(options).waitForCompletion(30_000);
        return client;
    }

    synchronized void writeStats() {
        ackedOut.flush();
        arrivedOut.flush();
        BitSet missing = (BitSet) ackedSet.clone();
        missing.andNot(arrivedSet);
        String line = String.join(" ", String.valueOf(sent.get()), String.valueOf(acked.get()), String.valueOf(unacked.size()),
                String.valueOf(arrived.get()), String.valueOf(arrivedSet.cardinality()), String.valueOf(missing.cardinality()),
                String.valueOf(arrived.get() - arrivedSet.cardinality()), String.valueOf(alerts.get()),
                String.valueOf(upstreamOther.get()), String.valueOf(connects.get()), String.valueOf(resent.get()),
                String.valueOf(refused.get()));
        try {
            Path tmp = dir.resolve("stats.tmp");
            Files.writeString(tmp, line + "\n");
            Files.move(tmp, dir.resolve("stats"), StandardCopyOption.ATOMIC_MOVE);
        } catch (Exception e) {
            System.err.println("soak: cannot write stats: " + e);
        }
    }

    static SSLSocketFactory trusting(Path pem) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            int n = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("ca-" + n++, certificate);
            }
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    static void close(MqttAsyncClient client) {
        if (client == null) {
            return;
        }
        try {
            client.disconnectForcibly(0, 1000);
        } catch (MqttException ignored) {
            // gone already
        }
        try {
            client.close(true);
        } catch (MqttException ignored) {
            // gone already
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
