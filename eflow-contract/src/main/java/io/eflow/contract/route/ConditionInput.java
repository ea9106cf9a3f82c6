package io.eflow.contract.route;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a condition reads of one message. The hub's router gives one per message, so a body is parsed at most once
 * however many conditions ask for it.
 */
public interface ConditionInput {

    /** A system property ({@code contentType}, {@code connectionModuleId}, …) by name ignoring case, or null. */
    String systemProperty(String name);

    /** An application property by name ignoring case, or null. */
    String applicationProperty(String name);

    /** The body as JSON, or null when conditions cannot see it (not JSON, or not declared as UTF JSON). */
    JsonNode body();
}
