'use strict';
// A device client on MQTT over WebSockets (the MqttWs transport, wss://{HostName}:443/$iothub/websocket): telemetry,
// twin, a direct method.
const lib = require('./lib');
const { Client, Message } = require('azure-iot-device');
const { MqttWs } = require('azure-iot-device-mqtt');
const iothub = require('azure-iothub');

lib.run(async () => {
  const outcome = {};
  const registry = iothub.Registry.fromConnectionString(lib.serviceConnectionString);
  const service = iothub.Client.fromConnectionString(lib.serviceConnectionString);
  const deviceId = 'sdk-websocket-device';
  const key = (await registry.create({ deviceId })).responseBody.authentication.symmetricKey.primaryKey;
  const client = Client.fromConnectionString('HostName=' + lib.hostName + ';DeviceId=' + deviceId + ';SharedAccessKey=' + key,
    MqttWs);
  await client.open();
  const message = new Message('over websockets');
  message.properties.add('transport', 'MqttWs');
  await client.sendEvent(message);
  outcome.telemetry = await lib.until(async () => {
    const answer = await lib.emulatorRequest('GET', '/emulator/messages?deviceId=' + deviceId);
    return answer.body.length > 0 && answer.body[0];
  }, 'the telemetry');
  const twin = await client.getTwin();
  await new Promise((resolve, reject) => twin.properties.reported.update({ via: 'websocket' },
    (e) => (e ? reject(e) : resolve())));
  outcome.reported = (await registry.getTwin(deviceId)).responseBody.properties.reported.via;
  client.onDeviceMethod('ping', (request, response) => response.send(200, { pong: true }, () => {}));
  outcome.method = (await lib.invokeWhenListening(service, deviceId, null, { methodName: 'ping',
    responseTimeoutInSeconds: 10 })).result;
  await client.close();
  return outcome;
});
