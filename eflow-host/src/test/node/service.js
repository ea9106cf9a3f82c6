'use strict';
// The cloud side of eflow's integration tests, spoken by the official service SDK (azure-iothub) to the IoT Hub
// emulator: node service.js COMMAND ARGS… prints one JSON line, the outcome, which the JUnit test asserts on.
// The SDKs and the emulator's connection helpers come from the emulator module (installed by its build).
const lib = require('../../../../iothub-emulator/src/test/node/lib');
const iothub = require('../../../../iothub-emulator/src/test/node/node_modules/azure-iothub');

// The tests' hub name resolves only inside the guest: here its connections go to the emulator on loopback.
require('./hub-name');

const { ProvisioningServiceClient } = require('../../../../iothub-emulator/src/test/node/node_modules/azure-iot-provisioning-service');
const registry = () => iothub.Registry.fromConnectionString(lib.serviceConnectionString);
const dps = () => ProvisioningServiceClient.fromConnectionString(lib.dpsConnectionString);
const client = () => iothub.Client.fromConnectionString(lib.serviceConnectionString);
const [command, ...args] = process.argv.slice(2);

const commands = {
  // create-edge DEVICE: an IoT Edge device; prints its connection string as eflow provision takes it
  'create-edge': async (deviceId) => {
    const device = (await registry().create({ deviceId, capabilities: { iotEdge: true } })).responseBody;
    return { connectionString: 'HostName=' + lib.hostName + ';DeviceId=' + deviceId + ';SharedAccessKey='
      + device.authentication.symmetricKey.primaryKey };
  },
  // create-edge-x509 DEVICE SHA256_THUMBPRINT: an IoT Edge device that authenticates with a self-signed certificate
  'create-edge-x509': async (deviceId, thumbprint) => {
    const device = (await registry().create({ deviceId, capabilities: { iotEdge: true },
      authentication: { type: 'selfSigned', x509Thumbprint: { primaryThumbprint: thumbprint, secondaryThumbprint: thumbprint } } }))
      .responseBody;
    return { deviceId: device.deviceId, type: device.authentication.type };
  },
  // enroll-key-group GROUP KEY: a DPS symmetric-key enrollment group of IoT Edge devices, with the given key
  'enroll-key-group': async (groupId, key) => {
    const group = (await dps().createOrUpdateEnrollmentGroup({ enrollmentGroupId: groupId, capabilities: { iotEdge: true },
      attestation: { type: 'symmetricKey', symmetricKey: { primaryKey: key, secondaryKey: key } } })).responseBody;
    return { idScope: lib.dpsIdScope, group: group.enrollmentGroupId };
  },
  // enroll-x509-group GROUP CA_PEM_FILE: a DPS enrollment group of IoT Edge devices whose certificates that CA signed
  'enroll-x509-group': async (groupId, file) => {
    const certificate = require('fs').readFileSync(file, 'utf8');
    const group = (await dps().createOrUpdateEnrollmentGroup({ enrollmentGroupId: groupId, capabilities: { iotEdge: true },
      attestation: { type: 'x509', x509: { signingCertificates: { primary: { certificate } } } } })).responseBody;
    return { idScope: lib.dpsIdScope, group: group.enrollmentGroupId };
  },
  // enroll-tpm REGISTRATION ENDORSEMENT_KEY: an individual TPM enrollment of an IoT Edge device (eflow tpm-info's values)
  'enroll-tpm': async (registrationId, endorsementKey) => {
    const enrollment = (await dps().createOrUpdateIndividualEnrollment({ registrationId, capabilities: { iotEdge: true },
      attestation: { type: 'tpm', tpm: { endorsementKey } } })).responseBody;
    return { idScope: lib.dpsIdScope, registrationId: enrollment.registrationId, type: enrollment.attestation.type };
  },
  // enroll-disabled REGISTRATION: a disabled individual symmetric-key enrollment; prints its key
  'enroll-disabled': async (registrationId) => {
    const enrollment = (await dps().createOrUpdateIndividualEnrollment({ registrationId, provisioningStatus: 'disabled',
      capabilities: { iotEdge: true }, attestation: { type: 'symmetricKey', symmetricKey: {} } })).responseBody;
    return { idScope: lib.dpsIdScope, key: enrollment.attestation.symmetricKey.primaryKey };
  },
  // disable DEVICE
  'disable': async (deviceId) => {
    const device = (await registry().get(deviceId)).responseBody;
    await registry().update({ deviceId, status: 'disabled', etag: device.etag });
    return { disabled: deviceId };
  },
  // apply DEVICE MANIFEST_FILE: what az iot edge set-modules does
  'apply': async (deviceId, file) => {
    const content = JSON.parse(require('fs').readFileSync(file, 'utf8'));
    await registry().applyConfigurationContentOnDevice(deviceId, content);
    return { applied: deviceId };
  },
  // module-twin DEVICE MODULE
  'module-twin': async (deviceId, moduleId) => (await registry().getModuleTwin(deviceId, moduleId)).responseBody,
  // update-module-twin DEVICE MODULE PATCH_JSON: what az iot hub module-twin update does ({"properties":{"desired":…}})
  // (etag *, as az does without --etag: the module's own reported patches change the twin's etag meanwhile)
  'update-module-twin': async (deviceId, moduleId, patch) =>
    (await registry().updateModuleTwin(deviceId, moduleId, JSON.parse(patch), '*')).responseBody,
  // blob-sas CONTAINER: a container SAS URL for IoT Edge's uploads (the emulator's blob store)
  'blob-sas': async (container) => (await lib.emulatorRequest('POST', '/emulator/blobs/' + encodeURIComponent(container))).body,
  // blobs CONTAINER: the names of the blobs uploaded there
  'blobs': async (container) => ({ names: (await lib.emulatorRequest('GET', '/emulator/blobs/' + encodeURIComponent(container))).body }),
  // c2d DEVICE BODY: a cloud-to-device message (the service SDK sends these over AMQP, which the emulator does not serve)
  'c2d': async (deviceId, body) => {
    const answer = await lib.emulatorRequest('POST', '/emulator/devices/' + encodeURIComponent(deviceId) + '/messages', body,
      { 'iothub-messageid': 'c2d-it-1', 'iothub-app-kind': 'greeting' });
    return { status: answer.status };
  },
  // modules DEVICE: the module identities IoT Hub has for the device
  'modules': async (deviceId) => ({ modules: (await registry().getModulesOnDevice(deviceId)).responseBody.map((m) => m.moduleId) }),
  // invoke DEVICE MODULE METHOD PAYLOAD_JSON
  'invoke': async (deviceId, moduleId, methodName, payload) => {
    try {
      const result = (await client().invokeDeviceMethod(deviceId, moduleId, { methodName,
        payload: JSON.parse(payload || 'null'), responseTimeoutInSeconds: 30 })).result;
      return { status: result.status, payload: result.payload };
    } catch (e) {
      return { error: lib.errorOf(e) };
    }
  },
  // telemetry DEVICE MODULE: what the emulator received from that module, in arrival order
  'telemetry': async (deviceId, moduleId) => {
    const answer = await lib.emulatorRequest('GET', '/emulator/messages?deviceId=' + encodeURIComponent(deviceId)
      + '&moduleId=' + encodeURIComponent(moduleId));
    return answer.body;
  },
};

if (!commands[command]) {
  console.error('service.js: unknown command ' + command + ' (' + Object.keys(commands).join(', ') + ')');
  process.exit(2);
}
lib.run(() => commands[command](...args));
