package io.eflow.daemon.api;

import java.util.List;

/**
 * One network as {@code eflow network list} shows it.
 *
 * @param bridge     the host bridge endpoints attach to
 * @param allocation how endpoints get addresses on it
 * @param endpoints  the endpoints on it, as INSTANCE/ENDPOINT
 */
public record NetworkView(String name, String type, String subnet, String uplink, String bridge, String allocation,
                          List<String> endpoints) {
}
