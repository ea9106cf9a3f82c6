package io.eflow.samples.filter;

import io.eflow.samples.module.Json;
import io.eflow.samples.module.Log;
import io.eflow.samples.module.ModuleTwin;
import io.eflow.samples.module.Twin;
import io.eflow.samples.module.TwinProperties;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The filter's threshold from its module twin, as IoT Edge's filter samples take it: the desired property
 * {@value #PROPERTY} (a number) is applied whenever the desired properties change, and the threshold then in force
 * is reported back as the reported property of the same name. A desired value that is missing or no number is told
 * once (until another comes) and changes nothing: the threshold stays — the environment's TEMPERATURE_THRESHOLD until
 * a twin gave one — and is reported as it stands. A report that fails is made again after the twin is next read.
 */
final class TwinThreshold implements ModuleTwin.Listener {
    static final String PROPERTY = "TemperatureThreshold";

    private final MessageFilter filter;
    private final Log log;
    private final Function<Map<String, Object>, CompletableFuture<Long>> report;
    /** What was last said about an unusable desired value, so that it is said once. */
    private String refused;
    /** A threshold whose report failed, to report again; all on the twin's thread. */
    private volatile boolean unreported;

    /** @param report sends a reported-properties patch: {@link ModuleTwin#reportProperties} */
    TwinThreshold(MessageFilter filter, Log log, Function<Map<String, Object>, CompletableFuture<Long>> report) {
        this.filter = filter;
        this.log = log;
        this.report = report;
    }

    @Override
    public void desiredChanged(TwinProperties desired) {
        Object value = desired.values().get(PROPERTY);
        double before = filter.threshold();
        if (value instanceof Double number && Double.isFinite(number)) {
            filter.threshold(number);
            refused = null;
            log.info("threshold " + MessageFilter.format(number) + " from the module twin (desired version "
                    + desired.version() + (number == before ? "" : "; it was " + MessageFilter.format(before)) + ")");
        } else {
            String why = value == null ? "has no " + PROPERTY : "has " + PROPERTY + " " + Json.write(value) + ", not a number";
            if (!why.equals(refused)) {
                log.info("the module twin's desired properties (version " + desired.version() + ") " + why
                        + ": the threshold stays " + MessageFilter.format(before));
                refused = why;
            }
        }
        sendReport();
    }

    @Override
    public void twinRead(Twin twin) {
        if (unreported) {
            sendReport();
        }
    }

    private void sendReport() {
        double applied = filter.threshold();
        unreported = false;
        CompletableFuture<Long> sent;
        try {
            sent = report.apply(Map.of(PROPERTY, applied));
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((version, failure) -> {
            if (failure != null) {
                unreported = true;
                log.info("could not report " + PROPERTY + " " + MessageFilter.format(applied) + ": "
                        + Log.describe(failure.getCause() != null ? failure.getCause() : failure)
                        + "; reporting it again after the twin is next read");
            }
        });
    }
}
