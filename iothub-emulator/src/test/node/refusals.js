'use strict';
// What the emulator refuses, as the SDKs see it: a wrong key, an unknown device, a disabled device (refused, and
// its open connection dropped), expired and unsigned service tokens, twin patches over IoT Hub's 32 KB limit.
const lib = require('./lib');
const { Client } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const iothub = require('azure-iothub');

async function openError(connectionString) {
  const client = Client.fromConnectionString(connectionString, Mqtt);
  try {
    await client.open();
    await client.close();
    return null;
  } catch (e) {
    return lib.errorOf(e);
  }
}

lib.run(async () => {
  const outcome = {};
  const registry = iothub.Registry.fromConnectionString(lib.serviceConnectionString);
  const device = (await registry.create({ deviceId: 'refused' })).responseBody;
  const key = device.authentication.symmetricKey.primaryKey;
  const otherKey = Buffer.alloc(32, 7).toString('base64');

  outcome.wrongKey = await openError(lib.deviceConnectionString('refused', otherKey));
  outcome.unknownDevice = await openError(lib.deviceConnectionString('nobody', key));
  outcome.secondaryKeyWorks = (await openError(lib.deviceConnectionString('refused',
    device.authentication.symmetricKey.secondaryKey))) === null;

  const client = Client.fromConnectionString(lib.deviceConnectionString('refused', key), Mqtt);
  await client.open();
  // 9 values of 4000 characters: each within IoT Hub's 4 KB per value, together over its 32 KB per section
  const big = (prefix) => Object.fromEntries(Array.from({ length: 9 }, (_, i) => [prefix + i, 'x'.repeat(4000)]));
  const twin = await client.getTwin();
  try {
    await new Promise((resolve, reject) => twin.properties.reported.update(big('r'),
      (e) => (e ? reject(e) : resolve())));
  } catch (e) {
    outcome.reportedTooLarge = lib.errorOf(e);
  }
  try {
    const serviceTwin = (await registry.getTwin('refused')).responseBody;
    await registry.updateTwin('refused', { properties: { desired: big('d') } }, serviceTwin.etag);
  } catch (e) {
    outcome.desiredTooLarge = lib.errorOf(e);
  }
  try {
    let deep = { leaf: 1 };
    for (let i = 0; i < 11; i++) deep = { level: deep };
    await registry.updateTwin('refused', { properties: { desired: { deep } } }, '*');
  } catch (e) {
    outcome.desiredTooDeep = lib.errorOf(e);
  }

  // the connection is dropped at once, and the SDK's attempts to reconnect (it re-enables desired updates) refused
  twin.on('properties.desired', () => {});
  outcome.stateBeforeDisable = (await registry.get('refused')).responseBody.connectionState;
  await registry.update({ deviceId: 'refused', status: 'disabled' });
  outcome.stateAfterDisable = await lib.until(async () => {
    const state = (await registry.get('refused')).responseBody.connectionState;
    return state === 'Disconnected' && state;
  }, 'the disabled device to be dropped', 5000);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  outcome.stateLater = (await registry.get('refused')).responseBody.connectionState;
  client.close().catch(() => {});
  outcome.disabled = await openError(lib.deviceConnectionString('refused', key));

  const host = lib.hostName;
  const policyKey = /SharedAccessKey=([^;]+)/.exec(lib.serviceConnectionString)[1];
  const expired = iothub.SharedAccessSignature.create(host, 'iothubowner', policyKey,
    Math.floor(Date.now() / 1000) - 60).toString();
  try {
    await iothub.Registry.fromSharedAccessSignature(expired).get('refused');
  } catch (e) {
    outcome.expiredToken = lib.errorOf(e);
  }
  const unsigned = 'SharedAccessSignature sr=' + host + '&sig=&se=' + (Math.floor(Date.now() / 1000) + 3600) +
    '&skn=iothubowner';
  try {
    await iothub.Registry.fromSharedAccessSignature(unsigned).get('refused');
  } catch (e) {
    outcome.unsignedToken = lib.errorOf(e);
  }
  const otherPolicyKey = iothub.SharedAccessSignature.create(host, 'iothubowner', otherKey,
    Math.floor(Date.now() / 1000) + 3600).toString();
  try {
    await iothub.Registry.fromSharedAccessSignature(otherPolicyKey).get('refused');
  } catch (e) {
    outcome.wrongPolicyKey = lib.errorOf(e);
  }
  return outcome;
});
