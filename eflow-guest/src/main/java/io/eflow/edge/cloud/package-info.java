/**
 * The device's link to IoT Hub: how it is provisioned ({@link io.eflow.edge.cloud.Provisioning}: Provision-EflowVm's
 * five types, saved 0600 because it holds keys), who the device is once known ({@link io.eflow.edge.cloud.CloudIdentity}:
 * a key in memory or in the TPM, or an X.509 certificate), and the state of its connection
 * ({@link io.eflow.edge.cloud.CloudLink}).
 *
 * <p>Provisioning is a transaction: a DPS type is first registered with DPS ({@link io.eflow.edge.cloud.DpsClient},
 * {@link io.eflow.edge.cloud.DpsRegistrar}; the TPM's side in {@code edge.cloud.tpm}), then the identity is tried
 * against the hub — the device's own scope over HTTPS, with a SAS token signed by its key or its certificate in the
 * handshake, reading its {@code $edgeAgent} module — before it replaces the saved one. So malformed input, a wrong key,
 * an unknown or disabled device or enrollment, or a hub that cannot be reached is answered with one line and leaves
 * the previous provisioning (or none) as it was; a DPS that cannot be reached is retried with back-off. Keys never
 * leave the guest's state folder (or the TPM): replies, logs and {@code toString}s carry the hub and the device, never
 * a key.
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
