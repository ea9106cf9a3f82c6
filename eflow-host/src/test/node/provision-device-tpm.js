'use strict';
// The reference for eflow's DPS TPM provisioning benchmark: the official Node SDKs with their TPM security client
// (azure-iot-security-tpm on tss.js) on a software TPM (swtpm at 127.0.0.1:TPM_PORT, TCP). Reads the TPM's
// endorsement key and enrolls it (not timed), then registers through DPS's TPM challenge over HTTP and connects to the
// assigned hub over MQTT with tokens the TPM signs. Prints one JSON line with the times from before the registration.
// node provision-device-tpm.js (TPM_PORT, DPS_ID_SCOPE, DPS_CONNECTION_STRING and the emulator's ports in the environment)
const lib = require('../../../../iothub-emulator/src/test/node/lib');
require('./hub-name');
const sdk = '../../../../iothub-emulator/src/test/node/node_modules/';
const tss = require(sdk + 'tss.js');
const { TpmSecurityClient, TpmAuthenticationProvider } = require(sdk + 'azure-iot-security-tpm');
const { ProvisioningServiceClient } = require(sdk + 'azure-iot-provisioning-service');
const { ProvisioningDeviceClient } = require(sdk + 'azure-iot-provisioning-device');
const { Http } = require(sdk + 'azure-iot-provisioning-device-http');
const { Client } = require(sdk + 'azure-iot-device');
const { Mqtt } = require(sdk + 'azure-iot-device-mqtt');

// swtpm's TCP server takes the simulator's command framing without its handshake: tss.js's current-TRM client
function softwareTpm() {
  const tpm = new tss.Tpm(false);
  const device = new tss.TpmTcpDevice('127.0.0.1', Number(process.env.TPM_PORT), true);
  device.oldTrm = false;
  tpm.device = device;
  return tpm;
}

const call = (f) => new Promise((resolve, reject) => f((err, result) => (err ? reject(err) : resolve(result))));
const ms = (from) => Number(process.hrtime.bigint() - from) / 1e6;

lib.run(async () => {
  const security = new TpmSecurityClient(undefined, softwareTpm());
  const endorsementKey = (await call((cb) => security.getEndorsementKey(cb))).toString('base64');
  const registrationId = await call((cb) => security.getRegistrationId(cb));
  await ProvisioningServiceClient.fromConnectionString(lib.dpsConnectionString).createOrUpdateIndividualEnrollment({
    registrationId, capabilities: { iotEdge: true }, attestation: { type: 'tpm', tpm: { endorsementKey } } });

  const started = process.hrtime.bigint();
  const operation = await ProvisioningDeviceClient.create(lib.hostName, lib.dpsIdScope, new Http(), security).register();
  const registered = ms(started);
  const result = operation.registrationState;
  const client = Client.fromAuthenticationProvider(
    TpmAuthenticationProvider.fromTpmSecurityClient(result.deviceId, result.assignedHub, security), Mqtt);
  await client.open();
  const connected = ms(started);
  await client.close();
  return { registeredMs: registered, connectedMs: connected, deviceId: result.deviceId };
});
