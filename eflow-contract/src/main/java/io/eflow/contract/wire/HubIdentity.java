package io.eflow.contract.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * A client of the edge hub: a module or a host application (or the device itself).
 *
 * @param kind              module, host or device
 * @param connectionString  what the client connects with (it holds its key); null in lists
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HubIdentity(String name, String kind, Instant created, String connectionString) {
}
