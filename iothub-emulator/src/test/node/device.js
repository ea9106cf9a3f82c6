'use strict';
// A device client (MQTT) against the emulator, with the service SDK on the other side: telemetry, twin, desired
// notifications, a direct method, a cloud-to-device message.
const lib = require('./lib');
const { Client, Message } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const iothub = require('azure-iothub');

lib.run(async () => {
  const outcome = {};
  const registry = iothub.Registry.fromConnectionString(lib.serviceConnectionString);
  const service = iothub.Client.fromConnectionString(lib.serviceConnectionString);
  const deviceId = 'sdk-device';
  const created = (await registry.create({ deviceId })).responseBody;
  const key = created.authentication.symmetricKey.primaryKey;

  const client = Client.fromConnectionString(lib.deviceConnectionString(deviceId, key), Mqtt);
  await client.open();
  outcome.opened = true;

  const message = new Message(JSON.stringify({ temperature: 21.5 }));
  message.messageId = 'm-1';
  message.correlationId = 'c-1';
  message.contentType = 'application/json';
  message.contentEncoding = 'utf-8';
  message.properties.add('alert', 'true');
  message.properties.add('unit name', 'C/°');
  await client.sendEvent(message);
  const received = await lib.until(async () => {
    const answer = await lib.emulatorRequest('GET', '/emulator/messages?deviceId=' + deviceId);
    return answer.body.length > 0 && answer.body;
  }, 'the telemetry');
  outcome.telemetry = received[0];

  const twin = await client.getTwin();
  outcome.initialDesiredVersion = twin.properties.desired.$version;
  await new Promise((resolve, reject) => twin.properties.reported.update({ firmware: '1.2.3', nested: { a: 1 } },
    (e) => (e ? reject(e) : resolve())));
  const serviceTwin = (await registry.getTwin(deviceId)).responseBody;
  outcome.reportedSeenByService = serviceTwin.properties.reported;

  const desired = new Promise((resolve) => {
    twin.on('properties.desired', (delta) => {
      if (delta.setting === 'on') resolve(delta);
    });
  });
  await registry.updateTwin(deviceId, { tags: { site: 'lab' }, properties: { desired: { setting: 'on' } } }, serviceTwin.etag);
  outcome.desiredDelta = await desired;
  outcome.tagsAfter = (await registry.getTwin(deviceId)).responseBody.tags;

  client.onDeviceMethod('reboot', (request, response) => {
    response.send(201, { got: request.payload, method: request.methodName }, () => {});
  });
  const call = await lib.invokeWhenListening(service, deviceId, null, { methodName: 'reboot', payload: { delay: 5 },
    responseTimeoutInSeconds: 10 });
  outcome.method = call.result;

  const c2d = new Promise((resolve) => client.on('message', (msg) => {
    client.complete(msg, () => {});
    resolve({ data: msg.data.toString(), messageId: msg.messageId, properties: msg.properties.propertyList });
  }));
  const sent = await lib.emulatorRequest('POST', '/emulator/devices/' + deviceId + '/messages', 'hello device',
    { 'iothub-messageid': 'c2d-1', 'iothub-app-kind': 'greeting' });
  outcome.c2dStatus = sent.status;
  outcome.c2d = await c2d;

  try {
    await service.invokeDeviceMethod(deviceId, { methodName: 'nobodyAnswers', payload: {}, responseTimeoutInSeconds: 1 });
  } catch (e) {
    outcome.badTimeout = lib.errorOf(e);
  }
  await client.close();
  // the SDK's close returns before the hub has seen the connection end: a call then would wait for an answer (504)
  for (let tries = 0; tries < 100; tries++) {
    if ((await registry.get(deviceId)).responseBody.connectionState === 'Disconnected') {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  try {
    await service.invokeDeviceMethod(deviceId, { methodName: 'reboot', payload: {}, responseTimeoutInSeconds: 5 });
  } catch (e) {
    outcome.offlineMethod = lib.errorOf(e);
  }
  return outcome;
});
