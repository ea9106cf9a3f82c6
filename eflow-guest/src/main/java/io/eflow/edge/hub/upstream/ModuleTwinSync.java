package io.eflow.edge.hub.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.json.TwinPatch;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import static java.lang.System.Logger.Level.WARNING;

/**
 * An edge device's module twins kept in step with IoT Hub, each over its module's own connection, as IoT Edge's hub
 * does. IoT Hub owns the desired properties: each connection fetches the whole twin and follows its patches
 * ({@link DesiredTwin}), and every change reaches the module through {@link CloudTwins#desired}. The module owns the
 * reported properties: each patch it makes is sent on at once, and after every fetch whatever IoT Hub lacks (patches
 * made offline, or lost with a connection) is sent as one patch, the difference between IoT Hub's copy and the
 * guest's. So both sides meet after an outage, IoT Hub's desired and the module's reported winning.
 */
final class ModuleTwinSync {
    private static final System.Logger LOG = System.getLogger(ModuleTwinSync.class.getName());
    /** Reported patches' request ids start with this, apart from the fetches' (numbers) on the same topics. */
    private static final String REPORT_RID = "m";

    private final CloudTwins twins;
    private final Executor callbacks;
    private final Map<String, DesiredTwin> following = new ConcurrentHashMap<>();
    private final AtomicLong rids = new AtomicLong();
    private volatile Links links;

    /** @param callbacks where {@code twins} is called: off Paho's threads, so a slow consumer holds up no PUBACK */
    ModuleTwinSync(CloudTwins twins, Executor callbacks) {
        this.twins = twins;
        this.callbacks = callbacks;
    }

    /** A new link: each module's twin is fetched again as its connection opens. */
    void connected(Links current) {
        following.clear();
        links = current;
    }

    void disconnected() {
        links = null;
        following.clear();
    }

    /**
     * Sends the fetches that are due: one per module connection, repeated when unanswered or refused.
     *
     * @param hasTwin which of the open identities are modules with a twin to follow
     */
    void tick(Links current, Predicate<String> hasTwin, long nowNanos) {
        for (String identity : current.openIdentities()) {
            if (hasTwin.test(identity)) {
                following.computeIfAbsent(identity, any -> new DesiredTwin()).request(nowNanos)
                        .ifPresent(topic -> current.respond(identity, topic, new byte[0]));
            }
        }
    }

    /** A message on a module's connection; true when it was its twin's, and taken. */
    boolean arrived(String identity, String topic, byte[] payload) {
        DesiredTwin twin = following.get(identity);
        if (twin == null || !(topic.startsWith(Topics.TWIN_RESPONSES) || topic.startsWith(Topics.TWIN_DESIRED_PATCHES))) {
            return false;
        }
        if (topic.startsWith(Topics.TWIN_RESPONSES) && String.valueOf(Topics.parameter(topic, "$rid")).startsWith(REPORT_RID)) {
            String status = topic.substring(Topics.TWIN_RESPONSES.length()).split("/", 2)[0];
            if (!status.startsWith("2")) {
                // the edge hub checks IoT Hub's limits first, so this is rare: the next fetch sends the difference again
                LOG.log(WARNING, "IoT Hub answered {0} to module {1}''s reported properties: {2}", status, identity,
                        new String(payload, StandardCharsets.UTF_8));
            }
            return true;
        }
        Optional<JsonNode> desired = twin.arrived(topic, payload);
        twin.takeFetchedReported().ifPresent(cloud -> callbacks.execute(() -> catchUp(identity, cloud)));
        desired.ifPresent(document -> callbacks.execute(() -> twins.desired(identity, document)));
        return true;
    }

    /** A module's own reported patch: sent now if its twin is followed, else the next fetch catches up. */
    void reported(String identity, JsonNode patch) {
        Links current = links;
        if (current != null && following.containsKey(identity)) {
            send(current, identity, patch);
        }
    }

    private void catchUp(String identity, JsonNode cloud) {
        Links current = links;
        ObjectNode missing = TwinPatch.diff(TwinPatch.withoutMetadata(cloud), TwinPatch.withoutMetadata(twins.reported(identity)));
        if (current != null && !missing.isEmpty()) {
            send(current, identity, missing);
        }
    }

    private void send(Links current, String identity, JsonNode patch) {
        current.respond(identity, Topics.reportedPatch(REPORT_RID + rids.incrementAndGet()),
                patch.toString().getBytes(StandardCharsets.UTF_8));
    }
}
