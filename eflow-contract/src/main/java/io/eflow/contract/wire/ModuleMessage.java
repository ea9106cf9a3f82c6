package io.eflow.contract.wire;

import java.time.Instant;
import java.util.Map;

/**
 * A message a module sent, as a hub subscription passes it on: which module and output (null for a module's default
 * one), its application and system properties, and its body (base64 in JSON).
 */
public record ModuleMessage(Instant time, String module, String output, Map<String, String> properties,
                            Map<String, String> systemProperties, byte[] body) implements Reply.Data {
}
