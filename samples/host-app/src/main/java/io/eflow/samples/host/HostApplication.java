package io.eflow.samples.host;

import io.eflow.samples.module.EdgeHubClient;
import io.eflow.samples.module.Env;
import io.eflow.samples.module.Log;
import io.eflow.samples.module.ModuleSettings;
import io.eflow.samples.module.ModuleTopics;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A host application exchanging messages with a module, both ways, as one of the original's Windows processes
 * would: it sends {@code COUNT} readings to its output {@code readings} and waits for the alerts on its input
 * {@code alerts}. With the samples' routes, the filter module gets the readings on input1 and sends those above its
 * threshold back as alerts.
 *
 * <p>It is an edge hub client like any module: EdgeHubConnectionString (from {@code eflow hub identity add}),
 * EdgeModuleCACertificateFile (from {@code eflow hub ca}), and EDGEHUB_HOST/EDGEHUB_PORT for the host end of
 * {@code eflow forward add PORT 8883}. Exits 0 when every alert came back, 1 otherwise.
 */
public final class HostApplication {
    public static final String OUTPUT = "readings";
    public static final String INPUT = "alerts";

    private HostApplication() {
    }

    public static void main(String[] args) throws InterruptedException {
        Env env = Env.system();
        Log log = new Log("hostApp");
        ModuleSettings settings = ModuleSettings.from(env, "hostApp");
        int count = (int) env.whole("COUNT", 5, 1);
        Duration wait = Duration.ofSeconds(env.whole("WAIT_SECONDS", 60, 1));
        log.info("host application: " + settings.describe());
        CountDownLatch alerts = new CountDownLatch(count);
        try (EdgeHubClient hub = new EdgeHubClient(settings, log)) {
            hub.subscribe(ModuleTopics.inputSubscription(settings.deviceId(), settings.moduleId(), INPUT), (topic, payload) -> {
                String alert = new String(payload, StandardCharsets.UTF_8);
                // the module also sends alerts about readings of others (the samples' sensor): only ours are counted
                boolean ours = alert.contains("\"sequence\":");
                log.info((ours ? "alert back for our reading: " : "alert about another reading: ") + alert);
                if (ours) {
                    alerts.countDown();
                }
            });
            hub.start();
            int sent = 0;
            Instant deadline = Instant.now().plus(wait);
            while (sent < count && Instant.now().isBefore(deadline)) {
                String reading = String.format(Locale.ROOT,
                        "{\"machine\":{\"temperature\":%.2f,\"pressure\":1.0},\"ambient\":{\"temperature\":21.0,"
                                + "\"humidity\":25},\"timeCreated\":\"%s\",\"sequence\":%d}", 100.0 + sent, Instant.now(), sent);
                if (hub.publish(ModuleTopics.output(settings.deviceId(), settings.moduleId(), OUTPUT,
                        Map.of("$.ct", "application/json", "$.ce", "utf-8")), reading.getBytes(StandardCharsets.UTF_8))) {
                    log.info("sent reading " + sent + " to " + OUTPUT);
                    sent++;
                } else {
                    Thread.sleep(200); // not connected yet
                }
            }
            boolean all = alerts.await(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
            log.info(all ? "all " + count + " alerts came back" : (count - alerts.getCount()) + " of " + count + " alerts came back");
            System.exit(all ? 0 : 1);
        }
    }
}
