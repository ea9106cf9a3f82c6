package io.eflow.daemon.api;

import java.util.List;

/** Set-EflowVmProxyServers: the http and https proxies (http://HOST:PORT) and the hosts that bypass them; all null clears. */
public record ProxyChange(String http, String https, List<String> noProxy) {
}
