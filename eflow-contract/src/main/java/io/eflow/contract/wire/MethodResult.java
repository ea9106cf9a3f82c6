package io.eflow.contract.wire;

import com.fasterxml.jackson.databind.JsonNode;

/** A module's answer to a direct method: its status and its payload (any JSON; a JSON null when it sent none). */
public record MethodResult(int status, JsonNode payload) implements Reply {
}
