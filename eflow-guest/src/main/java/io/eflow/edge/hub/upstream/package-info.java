/**
 * The edge hub's upstream link: what the routes put {@code INTO $upstream} goes from the hub's store to IoT Hub, or
 * to any MQTT 3.1.1 broker: over one MQTT connection for a device or a broker, over one per module for a provisioned
 * edge device ({@link io.eflow.edge.hub.upstream.UpstreamSettings.IotHubModules}: each module's messages as that
 * module, the rest as {@code $edgeHub}), the connections standing or falling together. The other way, an edge
 * device's link also connects as the device itself, the only identity IoT Hub sends the device's cloud-to-device
 * messages to, and keeps each in the store's {@code $devicebound} queue
 * ({@link io.eflow.edge.hub.upstream.UpstreamConnector#DEVICEBOUND}) for the hub to deliver.
 *
 * <h2>Use</h2>
 * {@link io.eflow.edge.hub.upstream.UpstreamSettings#parse} the operator's string (an IoT Hub device connection
 * string or a broker URI, both described there), then
 * {@link io.eflow.edge.hub.upstream.UpstreamConnector#start} a connector over the hub's
 * {@link io.eflow.edge.hub.store.MessageStore}; it sends until closed and reports through
 * {@link io.eflow.edge.hub.upstream.UpstreamConnector#status}. The store's payloads are
 * {@link io.eflow.edge.hub.message.HubMessageCodec} bytes.
 *
 * <h2>What it promises</h2>
 * <ul>
 *   <li>At least once: a message leaves the store only when the endpoint's PUBACK for it came, when its
 *       time-to-live passed (the store counts it), or when no endpoint could ever take it (logged and counted as
 *       unsendable).</li>
 *   <li>In order: the endpoint sees messages in store order; after an outage, the run that was in flight may come
 *       again, still in order.</li>
 *   <li>Through outages: reconnects back off from 1 s to 30 s; the store holds the backlog meanwhile.</li>
 *   <li>Cloud-to-device messages at least once: each is acknowledged to IoT Hub only once the store has it; when
 *       the store does not take it, its connection ends unacknowledged and IoT Hub sends it again.</li>
 * </ul>
 *
 * <h2>Why Paho, and one connection at a time</h2>
 * Paho keeps publishes of a session in memory only, and resends them itself when a session resumes, which would
 * interleave with what the store hands out again. So each connection is a clean session on a fresh client; when it
 * breaks, the connector drops it whole and the store alone decides what is sent again, in its order.
 */
package io.eflow.edge.hub.upstream;
