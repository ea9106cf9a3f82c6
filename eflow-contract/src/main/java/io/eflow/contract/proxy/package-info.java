/** The proxy an instance's outbound HTTP and MQTT go through (Set-EflowVmProxyServers), as host and guest both read it. */
package io.eflow.contract.proxy;
