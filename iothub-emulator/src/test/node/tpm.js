'use strict';
// DPS TPM attestation as the official Node SDK does it: azure-iot-security-tpm (with tss.js) on a software TPM
// (swtpm, at 127.0.0.1:TPM_PORT) gives its endorsement key, which azure-iot-provisioning-service enrolls;
// azure-iot-provisioning-device registers over HTTP (the challenge, the key taken into the TPM, the token it signs),
// then the device connects to the hub it was assigned with TpmAuthenticationProvider (tokens signed by the TPM) and
// sends a message. Then what DPS refuses: another registration id's challenge for this TPM's EK.
const tls = require('tls');
const lib = require('./lib');
const tss = require('tss.js');
const { TpmSecurityClient, TpmAuthenticationProvider } = require('azure-iot-security-tpm');
const { ProvisioningServiceClient } = require('azure-iot-provisioning-service');
const { ProvisioningDeviceClient } = require('azure-iot-provisioning-device');
const { Http } = require('azure-iot-provisioning-device-http');
const { Client, Message } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');

// TpmAuthenticationProvider's credentials have no GatewayHostName, so its MQTT connection goes to {host}:8883:
// sent to the emulator's MQTT port, as lib.js does for 443
const connect = tls.connect;
tls.connect = function (...args) {
  const options = args[0];
  if (options && typeof options === 'object' && options.host === lib.hostName && Number(options.port) === 8883) {
    args[0] = Object.assign({}, options, { port: lib.mqttPort, servername: options.servername || lib.hostName });
  }
  return connect.apply(this, args);
};

// tss.js speaks the TPM simulator's TCP framing (a command as SendCommand, locality, size; the answer as size,
// response, 0), which swtpm's TCP server takes; its simulator handshake and platform port swtpm does not have, so the
// device is tss.js's "user mode TRM" client told the TRM is the current one, whose connect is a GetRandom.
function softwareTpm() {
  const tpm = new tss.Tpm(false);
  const device = new tss.TpmTcpDevice('127.0.0.1', Number(process.env.TPM_PORT), true);
  device.oldTrm = false;
  tpm.device = device;
  return tpm;
}

const call = (f) => new Promise((resolve, reject) => f((err, result) => (err ? reject(err) : resolve(result))));

lib.run(async () => {
  const outcome = {};
  const security = new TpmSecurityClient(undefined, softwareTpm());
  const endorsementKey = (await call((cb) => security.getEndorsementKey(cb))).toString('base64');
  const registrationId = await call((cb) => security.getRegistrationId(cb));
  outcome.registrationId = registrationId;
  outcome.endorsementKey = endorsementKey;

  const service = ProvisioningServiceClient.fromConnectionString(lib.dpsConnectionString);
  const created = (await service.createOrUpdateIndividualEnrollment({ registrationId,
    attestation: { type: 'tpm', tpm: { endorsementKey } } })).responseBody;
  outcome.enrolled = { type: created.attestation.type, sameKey: created.attestation.tpm.endorsementKey === endorsementKey };

  // the TPM flow answers the whole operation ({operationId, status, registrationState}), not only its state
  const operation = await ProvisioningDeviceClient.create(lib.hostName, lib.dpsIdScope, new Http(), security).register();
  const result = operation.registrationState;
  outcome.registered = { assignedHub: result.assignedHub, deviceId: result.deviceId, status: operation.status,
    hasAuthenticationKey: !!(result.tpm && result.tpm.authenticationKey) };

  const auth = TpmAuthenticationProvider.fromTpmSecurityClient(result.deviceId, result.assignedHub, security);
  const client = Client.fromAuthenticationProvider(auth, Mqtt);
  await client.open();
  await client.sendEvent(new Message('signed by the TPM'));
  await client.close();
  const received = await lib.emulatorRequest('GET', '/emulator/messages?deviceId=' + encodeURIComponent(result.deviceId));
  outcome.sent = received.body.map((m) => m.body);

  // the same TPM under a registration id with no enrollment: no challenge
  const stranger = new TpmSecurityClient('no-such-enrollment', softwareTpmAfter(security));
  try {
    await ProvisioningDeviceClient.create(lib.hostName, lib.dpsIdScope, new Http(), stranger).register();
    outcome.stranger = null;
  } catch (e) {
    outcome.stranger = lib.errorOf(e);
  }
  return outcome;
});

// swtpm serves one connection at a time: the first client's is closed before another connects
function softwareTpmAfter(previous) {
  previous._tpm.close();
  return softwareTpm();
}
