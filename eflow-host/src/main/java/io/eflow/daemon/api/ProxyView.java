package io.eflow.daemon.api;

import io.eflow.contract.proxy.ProxySettings;

/**
 * {@code eflow proxy show}: what each start gives the guest, and what a running guest has now (null when stopped).
 */
public record ProxyView(String name, ProxySettings settings, ProxySettings inGuest) {
}
