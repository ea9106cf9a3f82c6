package io.eflow.edge.device;

/**
 * Who the device is to its modules (IOTEDGE_DEVICEID, IOTEDGE_IOTHUBHOSTNAME, IOTEDGE_GATEWAYHOSTNAME). Until the
 * device is provisioned against a hub, it is its own host name under a local hub name.
 */
public record DeviceIdentity(String deviceId, String iotHubHostName, String gatewayHostName) {
    public static DeviceIdentity local(String hostname) {
        return new DeviceIdentity(hostname, hostname + ".local", hostname);
    }
}
