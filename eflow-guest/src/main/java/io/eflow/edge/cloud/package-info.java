/**
 * The device's link to IoT Hub: how it is provisioned ({@link io.eflow.edge.cloud.Provisioning}, saved 0600 because
 * it holds the device's key), and the state of its connection ({@link io.eflow.edge.cloud.CloudLink}).
 *
 * <p>Provisioning is a transaction: a new one is tried against the hub — the device's own scope over HTTPS, with a
 * SAS token signed by its key, reading its {@code $edgeAgent} module — before it replaces the saved one. So a
 * malformed string, a wrong key, an unknown or disabled device, or a hub that cannot be reached is answered with one
 * line and leaves the previous provisioning (or none) as it was. The key never leaves the guest's state folder:
 * replies, logs and {@code toString}s carry the hub and the device, never the key.
 *
 * <p>Provisioned, the edge agent is IoT Hub's {@code $edgeAgent} ({@link io.eflow.edge.cloud.AgentTwin}): one MQTT
 * session ({@link io.eflow.edge.cloud.TwinSession}) reads its twin and takes its direct methods, deployments from its
 * and {@code $edgeHub}'s desired properties reach the {@link io.eflow.edge.device.ModuleRuntime}, and its reported
 * properties follow the modules; module identities are kept in step with the deployment in the device's own scope
 * ({@link io.eflow.edge.cloud.DeviceScope}), their keys derived from the device's ({@link io.eflow.edge.cloud.ModuleKeys}).
 * Its direct methods ({@link io.eflow.edge.cloud.AgentMethods}) are IoT Edge's: {@code ping}, {@code RestartModule},
 * {@code GetModuleLogs}, and the uploads {@code UploadModuleLogs} and {@code UploadSupportBundle}, which answer at once
 * with a correlation id, put their blobs in the background into the Azure Storage container of the request's SAS URL
 * ({@link io.eflow.edge.cloud.BlobContainer}), and are followed with {@code GetTaskStatus}
 * ({@link io.eflow.edge.cloud.UploadTasks}).
 *
 * <p>The device trusts the public CAs of the Java runtime plus the PEM certificates of its trust bundle
 * (IoT Edge's {@code trust_bundle_cert}): a private hub, a parent gateway, the IoT Hub emulator. Uploads to Azure
 * Storage trust the same.
 */
package io.eflow.edge.cloud;
