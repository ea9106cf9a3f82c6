'use strict';
// The Device Provisioning Service beside the hub, as the official SDKs use it: azure-iot-provisioning-service makes
// enrollments; azure-iot-provisioning-device registers over HTTP and MQTT with an individual enrollment's key and a
// group's derived key; each device then connects to the hub it was assigned, with that key, and sends a message.
// Then what DPS refuses: a disabled enrollment, a wrong key, a wrong id scope, a deleted enrollment.
const crypto = require('crypto');
const lib = require('./lib');
const { ProvisioningServiceClient } = require('azure-iot-provisioning-service');
const { ProvisioningDeviceClient } = require('azure-iot-provisioning-device');
const { Http } = require('azure-iot-provisioning-device-http');
const { Mqtt: ProvisioningMqtt } = require('azure-iot-provisioning-device-mqtt');
const { SymmetricKeySecurityClient } = require('azure-iot-security-symmetric-key');
const { Client, Message } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const iothub = require('azure-iothub');

// HTTP goes to {host}:443, which lib.js sends to the emulator's HTTPS port; MQTT takes the port in the URI.
const hosts = { http: lib.hostName, mqtt: lib.hostName + ':' + lib.mqttPort };
const transports = { http: () => new Http(), mqtt: () => new ProvisioningMqtt() };

function derivedKey(groupKey, registrationId) {
  return crypto.createHmac('sha256', Buffer.from(groupKey, 'base64')).update(registrationId, 'utf8').digest('base64');
}

function register(transport, registrationId, key, idScope, payload) {
  const client = ProvisioningDeviceClient.create(hosts[transport], idScope || lib.dpsIdScope, transports[transport](),
    new SymmetricKeySecurityClient(registrationId, key));
  if (payload) client.setProvisioningPayload(payload);
  return client.register();
}

async function registerError(transport, registrationId, key, idScope) {
  try {
    await register(transport, registrationId, key, idScope);
    return null;
  } catch (e) {
    return lib.errorOf(e);
  }
}

// The assigned device connects to its hub with the key it registered with and sends a message.
async function sendAsAssigned(state, key, body) {
  const client = Client.fromConnectionString('HostName=' + state.assignedHub + ';DeviceId=' + state.deviceId +
    ';SharedAccessKey=' + key + ';GatewayHostName=' + state.assignedHub + ':' + lib.mqttPort, Mqtt);
  await client.open();
  await client.sendEvent(new Message(body));
  await client.close();
  const received = await lib.emulatorRequest('GET', '/emulator/messages?deviceId=' + encodeURIComponent(state.deviceId));
  return received.body.map((m) => m.body);
}

function summary(state) {
  return { registrationId: state.registrationId, assignedHub: state.assignedHub, deviceId: state.deviceId,
    status: state.status, substatus: state.substatus, hasEtag: !!state.etag, payload: state.payload,
    hasTimes: !!state.createdDateTimeUtc && !!state.lastUpdatedDateTimeUtc };
}

lib.run(async () => {
  const outcome = {};
  const service = ProvisioningServiceClient.fromConnectionString(lib.dpsConnectionString);
  const created = (await service.createOrUpdateIndividualEnrollment({ registrationId: 'dps-individual',
    attestation: { type: 'symmetricKey', symmetricKey: {} }, capabilities: { iotEdge: true },
    initialTwin: { tags: { site: 'dock' }, properties: { desired: { interval: 7 } } } })).responseBody;
  outcome.individual = { type: created.attestation.type, hasKey: !!created.attestation.symmetricKey.primaryKey,
    status: created.provisioningStatus, hasEtag: !!created.etag };
  const individualKey = created.attestation.symmetricKey.primaryKey;
  const groupKey = Buffer.alloc(32, 3).toString('base64');
  const group = (await service.createOrUpdateEnrollmentGroup({ enrollmentGroupId: 'dps-group',
    attestation: { type: 'symmetricKey', symmetricKey: { primaryKey: groupKey, secondaryKey: groupKey } } })).responseBody;
  outcome.group = { id: group.enrollmentGroupId, sameKey: group.attestation.symmetricKey.primaryKey === groupKey };
  outcome.gotIndividual = (await service.getIndividualEnrollment('dps-individual')).responseBody.registrationId;

  // individual over HTTP, group over MQTT, and the other way round
  const overHttp = await register('http', 'dps-individual', individualKey, undefined, { model: 'thermostat' });
  outcome.overHttp = summary(overHttp);
  outcome.overHttpSent = await sendAsAssigned(overHttp, individualKey, 'provisioned over http');
  const member1 = derivedKey(groupKey, 'dps-member-1');
  const overMqtt = await register('mqtt', 'dps-member-1', member1);
  outcome.overMqtt = summary(overMqtt);
  outcome.overMqttSent = await sendAsAssigned(overMqtt, member1, 'provisioned over mqtt');
  outcome.individualOverMqtt = summary(await register('mqtt', 'dps-individual', individualKey));
  outcome.groupOverHttp = summary(await register('http', 'dps-member-2', derivedKey(groupKey, 'dps-member-2')));

  const registry = iothub.Registry.fromConnectionString(lib.serviceConnectionString);
  const device = (await registry.get('dps-individual')).responseBody;
  outcome.hubDevice = { iotEdge: device.capabilities.iotEdge, type: device.authentication.type,
    sameKey: device.authentication.symmetricKey.primaryKey === individualKey };
  const twin = (await registry.getTwin('dps-individual')).responseBody;
  outcome.hubTwin = { tags: twin.tags, interval: twin.properties.desired.interval };

  // refusals
  const disabled = (await service.createOrUpdateIndividualEnrollment({ registrationId: 'dps-disabled',
    attestation: { type: 'symmetricKey', symmetricKey: {} }, provisioningStatus: 'disabled' })).responseBody;
  outcome.disabled = await registerError('http', 'dps-disabled', disabled.attestation.symmetricKey.primaryKey);
  outcome.disabledOverMqtt = await registerError('mqtt', 'dps-disabled', disabled.attestation.symmetricKey.primaryKey);
  const wrongKey = Buffer.alloc(32, 9).toString('base64');
  outcome.wrongKey = await registerError('http', 'dps-individual', wrongKey);
  outcome.wrongKeyOverMqtt = await registerError('mqtt', 'dps-individual', wrongKey);
  outcome.wrongGroupKey = await registerError('http', 'dps-member-3', derivedKey(wrongKey, 'dps-member-3'));
  outcome.wrongIdScope = await registerError('http', 'dps-individual', individualKey, '0ne00000000');
  outcome.wrongIdScopeOverMqtt = await registerError('mqtt', 'dps-individual', individualKey, '0ne00000000');
  outcome.hubDeviceOfDisabled = await registry.get('dps-disabled').then(() => 'exists', (e) => lib.errorOf(e).status);

  // the service side: an update with a stale etag, a delete, and what follows it
  const current = (await service.getIndividualEnrollment('dps-individual')).responseBody;
  outcome.staleEtag = await service.createOrUpdateIndividualEnrollment(Object.assign({}, current, { etag: 'stale' }))
    .then(() => null, (e) => lib.errorOf(e).status);
  await service.deleteIndividualEnrollment('dps-individual');
  outcome.afterDelete = await service.getIndividualEnrollment('dps-individual').then(() => null, (e) => lib.errorOf(e).status);
  outcome.registerAfterDelete = await registerError('http', 'dps-individual', individualKey);
  outcome.wrongServiceKey = await ProvisioningServiceClient.fromConnectionString(
    lib.dpsConnectionString.replace(/SharedAccessKey=[^;]+/, 'SharedAccessKey=' + wrongKey))
    .getEnrollmentGroup('dps-group').then(() => null, (e) => lib.errorOf(e).status);
  return outcome;
});
