'use strict';
// The reference for eflow's provisioning benchmark: what an IoT device does with the official SDKs, from its process
// start to a link up — azure-iot-provisioning-device (HTTP) registers REGISTRATION with the key derived from GROUP_KEY,
// then azure-iot-device connects to the hub DPS assigned, over MQTT. Prints one JSON line with the times.
// node provision-device.js REGISTRATION GROUP_KEY (DPS_ID_SCOPE and the emulator's ports in the environment, as service.js)
const started = process.hrtime.bigint();
const crypto = require('crypto');
const lib = require('../../../../iothub-emulator/src/test/node/lib');
require('./hub-name');
const sdk = '../../../../iothub-emulator/src/test/node/node_modules/';
const { ProvisioningDeviceClient } = require(sdk + 'azure-iot-provisioning-device');
const { Http } = require(sdk + 'azure-iot-provisioning-device-http');
const { SymmetricKeySecurityClient } = require(sdk + 'azure-iot-security-symmetric-key');
const { Client } = require(sdk + 'azure-iot-device');
const { Mqtt } = require(sdk + 'azure-iot-device-mqtt');

const [registrationId, groupKey] = process.argv.slice(2);
const ms = (from) => Number(process.hrtime.bigint() - from) / 1e6;

lib.run(async () => {
  const loaded = ms(started);
  const key = crypto.createHmac('sha256', Buffer.from(groupKey, 'base64')).update(registrationId, 'utf8').digest('base64');
  const registration = ProvisioningDeviceClient.create(lib.hostName, lib.dpsIdScope, new Http(),
    new SymmetricKeySecurityClient(registrationId, key));
  const assigned = await registration.register();
  const registered = ms(started);
  const client = Client.fromConnectionString('HostName=' + assigned.assignedHub + ';DeviceId=' + assigned.deviceId
    + ';SharedAccessKey=' + key, Mqtt);
  await client.open();
  const connected = ms(started);
  await client.close();
  return { loadedMs: loaded, registeredMs: registered, connectedMs: connected, hub: assigned.assignedHub, deviceId: assigned.deviceId };
});
