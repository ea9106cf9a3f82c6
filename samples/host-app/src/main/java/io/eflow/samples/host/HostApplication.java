package io.eflow.samples.host;

import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import io.eflow.samples.module.Env;
import io.eflow.samples.module.HubAccess;
import io.eflow.samples.module.HubConnection;
import io.eflow.samples.module.Log;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A host application exchanging messages with a module, both ways, as one of the original's Windows processes
 * would: it sends {@code COUNT} readings to its output {@code readings} and waits for the alerts on its input
 * {@code alerts}. With the samples' routes, the filter module gets the readings on input1 and sends those above its
 * threshold back as alerts.
 *
 * <p>It is a client of the edge hub like a module, on the same SDK: EdgeHubConnectionString (from
 * {@code eflow hub identity show}), EdgeModuleCACertificateFile (from {@code eflow hub ca}), and
 * EDGEHUB_HOST/EDGEHUB_PORT for the host end of {@code eflow forward add PORT 8883} ({@link HubAccess}). Exits 0 when
 * every alert came back, 1 otherwise.
 */
public final class HostApplication {
    public static final String OUTPUT = "readings";
    public static final String INPUT = "alerts";

    private HostApplication() {
    }

    public static void main(String[] args) throws InterruptedException {
        Env env = Env.system();
        Log log = new Log("hostApp");
        int count = (int) env.whole("COUNT", 5, 1);
        Duration wait = Duration.ofSeconds(env.whole("WAIT_SECONDS", 60, 1));
        HubAccess access = HubAccess.from(env).orElseThrow(() -> new IllegalArgumentException(
                "give the hub: " + HubAccess.CONNECTION_STRING + ", " + HubAccess.CA_FILE + ", EDGEHUB_HOST, EDGEHUB_PORT"));
        boolean all = exchange(access, count, wait, log);
        System.exit(all ? 0 : 1); // the SDK's threads would keep the JVM alive
    }

    /** Sends {@code count} readings and waits for their alerts until {@code wait} is over; true when all came back. */
    static boolean exchange(HubAccess access, int count, Duration wait, Log log) throws InterruptedException {
        CountDownLatch alerts = new CountDownLatch(count);
        HubConnection.Setup setup = new HubConnection.Setup() {
            @Override
            public void created(ModuleClient client) {
                client.setMessageCallback(INPUT, (message, context) -> {
                    String alert = new String(message.getBytes(), StandardCharsets.UTF_8);
                    // the module also sends alerts about readings of others (the samples' sensor): only ours are counted
                    boolean ours = alert.contains("\"sequence\":");
                    log.info((ours ? "alert back for our reading: " : "alert about another reading: ") + alert);
                    if (ours) {
                        alerts.countDown();
                    }
                    return IotHubMessageResult.COMPLETE;
                }, null);
            }
        };
        try (HubConnection hub = new HubConnection(Optional.of(access), setup, log).start()) {
            int sent = 0;
            Instant deadline = Instant.now().plus(wait);
            while (sent < count && Instant.now().isBefore(deadline)) {
                Message reading = new Message(String.format(Locale.ROOT,
                        "{\"machine\":{\"temperature\":%.2f,\"pressure\":1.0},\"ambient\":{\"temperature\":21.0,"
                                + "\"humidity\":25},\"timeCreated\":\"%s\",\"sequence\":%d}", 100.0 + sent, Instant.now(), sent));
                reading.setContentType("application/json");
                reading.setContentEncoding("utf-8");
                if (hub.send(reading, OUTPUT)) {
                    log.info("sent reading " + sent + " to " + OUTPUT);
                    sent++;
                } else {
                    Thread.sleep(200); // not connected yet
                }
            }
            boolean all = alerts.await(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
            log.info(all ? "all " + count + " alerts came back" : (count - alerts.getCount()) + " of " + count + " alerts came back");
            return all;
        }
    }
}
