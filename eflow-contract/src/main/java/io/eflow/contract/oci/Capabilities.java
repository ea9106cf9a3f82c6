package io.eflow.contract.oci;

import java.util.List;

/**
 * {@code process.capabilities}. eflow gives a process one set, the same in bounding, effective and permitted: what it
 * may hold is what it holds, with nothing to raise later.
 */
public record Capabilities(List<String> bounding, List<String> effective, List<String> permitted) {
    public Capabilities {
        bounding = List.copyOf(bounding);
        effective = List.copyOf(effective);
        permitted = List.copyOf(permitted);
    }

    public static Capabilities of(List<String> capabilities) {
        return new Capabilities(capabilities, capabilities, capabilities);
    }
}
