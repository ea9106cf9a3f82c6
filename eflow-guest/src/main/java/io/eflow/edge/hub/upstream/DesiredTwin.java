package io.eflow.edge.hub.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.eflow.contract.json.Mappers;
import io.eflow.contract.json.TwinPatch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.lang.System.Logger.Level.WARNING;

/**
 * The device twin's desired properties as the upstream link follows them: the whole twin fetched at each connect
 * ({@code $iothub/twin/GET}), then each patch IoT Hub pushes merged into it. What it hands out is always the whole
 * desired document, so the hub can tell a deployment from the absence of one without keeping a copy itself.
 *
 * <p>Patches carry {@code $version}: one not newer than the document is dropped, one that skips a version means
 * a patch was missed, and the whole twin is fetched again. Patches that come before the answer to the fetch are
 * held and applied after it when newer. A fetch left unanswered or refused (IoT Hub throttles with 429) is repeated.
 */
final class DesiredTwin {
    private static final System.Logger LOG = System.getLogger(DesiredTwin.class.getName());
    private static final ObjectMapper JSON = Mappers.standard();
    private static final long RETRY_NANOS = 10_000_000_000L;

    private ObjectNode desired;
    private JsonNode delivered;
    private JsonNode fetchedReported;
    private final List<ObjectNode> early = new ArrayList<>();
    private long nextRid = 1;
    private String pendingRid;
    private long requestedAt;

    /** A new connection: what changed while offline is unknown, so the twin is fetched again. */
    synchronized void connected() {
        desired = null;
        fetchedReported = null;
        early.clear();
        pendingRid = null;
    }

    /** The topic of a whole-twin request to publish now, if one is due. */
    synchronized Optional<String> request(long nowNanos) {
        if (desired != null || (pendingRid != null && nowNanos - requestedAt < RETRY_NANOS)) {
            return Optional.empty();
        }
        pendingRid = Long.toString(nextRid++);
        requestedAt = nowNanos;
        return Optional.of(Topics.twinRequest(pendingRid));
    }

    /**
     * The reported properties IoT Hub had when the whole twin was last fetched, once: after an outage, what the guest
     * has and IoT Hub lacks is sent from them.
     */
    synchronized Optional<JsonNode> takeFetchedReported() {
        Optional<JsonNode> reported = Optional.ofNullable(fetchedReported);
        fetchedReported = null;
        return reported;
    }

    /** A message on a twin topic; the whole desired document when it changed. */
    synchronized Optional<JsonNode> arrived(String topic, byte[] payload) {
        if (topic.startsWith(Topics.TWIN_RESPONSES)) {
            return answered(topic, payload);
        }
        if (topic.startsWith(Topics.TWIN_DESIRED_PATCHES)) {
            return patched(payload);
        }
        return Optional.empty();
    }

    private Optional<JsonNode> answered(String topic, byte[] payload) {
        // $iothub/twin/res/{status}/?$rid={rid}[&$version=…]
        String rest = topic.substring(Topics.TWIN_RESPONSES.length());
        int slash = rest.indexOf('/');
        String status = slash < 0 ? rest : rest.substring(0, slash);
        String rid = Topics.parameter(rest, "$rid");
        if (pendingRid == null || !pendingRid.equals(rid)) {
            return Optional.empty();
        }
        if (!status.equals("200")) {
            // pendingRid stays, so the request is repeated when RETRY_NANOS have passed since it was sent
            LOG.log(WARNING, "the device twin request was answered {0}; asking again in {1} s", status,
                    RETRY_NANOS / 1_000_000_000L);
            return Optional.empty();
        }
        JsonNode twin = parse(payload, "device twin").orElse(null);
        if (twin == null || !twin.path("desired").isObject()) {
            LOG.log(WARNING, "the device twin has no desired properties object; ignored");
            return Optional.empty();
        }
        pendingRid = null;
        desired = ((ObjectNode) twin.get("desired")).deepCopy();
        fetchedReported = twin.path("reported").deepCopy();
        for (ObjectNode patch : early) {
            if (version(patch) > version(desired)) {
                merge(desired, patch);
            }
        }
        early.clear();
        return changed();
    }

    private Optional<JsonNode> patched(byte[] payload) {
        Optional<JsonNode> parsed = parse(payload, "desired properties patch");
        if (parsed.isEmpty() || !parsed.get().isObject()) {
            return Optional.empty();
        }
        ObjectNode patch = (ObjectNode) parsed.get();
        if (desired == null) {
            early.add(patch);
            return Optional.empty();
        }
        long version = version(patch);
        long current = version(desired);
        if (version >= 0 && current >= 0) {
            if (version <= current) {
                return Optional.empty();
            }
            if (version > current + 1) {
                LOG.log(WARNING, "desired properties jumped from version {0} to {1}; fetching the whole twin",
                        current, version);
                desired = null;
                early.add(patch);
                return Optional.empty();
            }
        }
        merge(desired, patch);
        return changed();
    }

    private Optional<JsonNode> changed() {
        if (desired.equals(delivered)) {
            return Optional.empty();
        }
        delivered = desired.deepCopy();
        return Optional.of(delivered.deepCopy());
    }

    /** IoT Hub's patch rule, and the patch's version becomes the document's. */
    private static void merge(ObjectNode target, ObjectNode patch) {
        TwinPatch.apply(target, patch);
        if (patch.has("$version")) {
            target.set("$version", patch.get("$version"));
        }
    }

    private static long version(JsonNode document) {
        JsonNode version = document.get("$version");
        return version != null && version.canConvertToLong() ? version.asLong() : -1;
    }

    private static Optional<JsonNode> parse(byte[] payload, String what) {
        try {
            return Optional.of(JSON.readTree(payload));
        } catch (IOException e) {
            LOG.log(WARNING, "the {0} from upstream is not JSON; ignored: {1}", what, e.getMessage());
            return Optional.empty();
        }
    }
}
