package io.eflow.daemon.api;

import java.util.List;

/**
 * What {@code eflow rotate-keys} replaced, as SHA256 fingerprints: the install's user CA ({@code --all}; else null)
 * and each guest's host key.
 */
public record KeysRotated(UserCa userCa, List<HostKey> hostKeys) {
    public KeysRotated {
        hostKeys = List.copyOf(hostKeys);
    }

    /** @param guests how many guests now trust the new CA alone */
    public record UserCa(String previous, String current, int guests) {
    }

    /** @param running true: written into the running guest; false: onto the stopped guest's data disk */
    public record HostKey(String name, String previous, String current, boolean running) {
    }
}
