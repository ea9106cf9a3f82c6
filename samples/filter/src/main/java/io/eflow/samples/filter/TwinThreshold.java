package io.eflow.samples.filter;

import com.google.gson.Gson;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import io.eflow.samples.module.Log;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The filter's threshold from its module twin, as IoT Edge's filter samples take it: the desired property
 * {@value #PROPERTY} (a number) is applied whenever the desired properties change, and the threshold then in force
 * is reported back as the reported property of the same name. A desired value that is missing or no number is told
 * once (until another comes) and changes nothing: the threshold stays — the environment's TEMPERATURE_THRESHOLD until
 * a twin gave one — and is reported as it stands. A report that fails is made again after the twin is next read.
 *
 * <p>The SDK hands over whole twins (read after each connection) and desired-property patches; they are taken in
 * version order. A patch that is not newer than what is applied is ignored; one that skips a version (changes missed
 * while the connection was down) or has none has the whole twin read again. The SDK's callbacks come one at a time.
 */
final class TwinThreshold {
    static final String PROPERTY = "TemperatureThreshold";
    private static final Gson GSON = new Gson();

    private final MessageFilter filter;
    private final Log log;
    private final Function<Map<String, Object>, CompletableFuture<?>> report;
    private final Runnable readTwin;
    /** The desired version applied; null before the first twin. */
    private Integer applied;
    /** The desired value as it stands (a patch without it leaves it as it was). */
    private Object desired;
    /** What was last said about an unusable desired value, so that it is said once. */
    private String refused;
    /** A threshold whose report failed, to report again. */
    private volatile boolean unreported;

    /**
     * @param report   sends a reported-properties patch; completes when the hub took it
     * @param readTwin reads the whole twin (asynchronously); its desired properties come to {@link #whole}
     */
    TwinThreshold(MessageFilter filter, Log log, Function<Map<String, Object>, CompletableFuture<?>> report, Runnable readTwin) {
        this.filter = filter;
        this.log = log;
        this.report = report;
        this.readTwin = readTwin;
    }

    /** The desired properties of a whole twin. */
    synchronized void whole(TwinCollection properties) {
        Integer version = properties.getVersion();
        if (applied != null && version != null && version <= applied) {
            if (unreported) {
                sendReport();
            }
            return; // nothing new since the patches
        }
        applied = version;
        apply(properties.get(PROPERTY), version);
    }

    /** A desired-properties patch. */
    synchronized void patch(TwinCollection patch) {
        Integer version = patch.getVersion();
        if (version != null && applied != null && version <= applied) {
            log.info("ignored desired properties version " + version + ": version " + applied + " is applied");
            return;
        }
        if (version == null || applied == null || version != applied + 1) {
            log.info("desired properties " + (version == null ? "without a version" : "version " + version)
                    + " do not follow version " + (applied == null ? "(none read yet)" : applied) + ": reading the whole twin");
            readTwin.run();
            return;
        }
        applied = version;
        apply(patch.containsKey(PROPERTY) ? patch.get(PROPERTY) : desired, version);
    }

    private void apply(Object value, Integer version) {
        desired = value;
        double before = filter.threshold();
        if (value instanceof Number number && Double.isFinite(number.doubleValue())) {
            filter.threshold(number.doubleValue());
            refused = null;
            log.info("threshold " + MessageFilter.format(number.doubleValue()) + " from the module twin (desired version "
                    + version + (number.doubleValue() == before ? "" : "; it was " + MessageFilter.format(before)) + ")");
        } else {
            String why = value == null ? "has no " + PROPERTY : "has " + PROPERTY + " " + GSON.toJson(value) + ", not a number";
            if (!Objects.equals(why, refused)) {
                log.info("the module twin's desired properties (version " + version + ") " + why
                        + ": the threshold stays " + MessageFilter.format(before));
                refused = why;
            }
        }
        sendReport();
    }

    private void sendReport() {
        double threshold = filter.threshold();
        unreported = false;
        CompletableFuture<?> sent;
        try {
            sent = report.apply(Map.of(PROPERTY, threshold));
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((done, failure) -> {
            if (failure != null) {
                unreported = true;
                log.info("could not report " + PROPERTY + " " + MessageFilter.format(threshold) + ": "
                        + Log.describe(failure.getCause() != null ? failure.getCause() : failure)
                        + "; reporting it again after the twin is next read");
            }
        });
    }
}
