package io.eflow.edge.device;

import com.fasterxml.jackson.databind.JsonNode;
import io.eflow.contract.manifest.ParsedManifest;
import io.eflow.contract.wire.LogLine;
import io.eflow.contract.wire.ModuleReport;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What runs the device's modules, as the link to IoT Hub sees it: deployments from {@code $edgeAgent}'s desired
 * properties are applied here, and the modules' states go back as its reported properties. The edge agent is it.
 */
public interface ModuleRuntime {
    /**
     * Validates and applies a deployment manifest; an invalid one throws
     * {@link io.eflow.contract.manifest.ManifestException} and changes nothing.
     */
    ParsedManifest apply(String manifest) throws IOException;

    /** The deployment manifest applied last, as it was given. */
    Optional<JsonNode> deployment();

    /** Every deployed module by name, in the order of the deployment. */
    Map<String, ModuleReport> modules();

    /** Restarts one module; false when no such module is deployed. */
    boolean restart(String module);

    /**
     * A module's log lines, oldest first: the last {@code tail} (all when negative) of those written at or after
     * {@code since}. A module that never wrote has none.
     */
    List<LogLine> logs(String module, int tail, Optional<Instant> since) throws IOException;
}
