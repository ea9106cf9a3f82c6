'use strict';
// A module client (MQTT, a module connection string) against the emulator: telemetry as the module and on an output,
// the module twin both ways, a module direct method.
const lib = require('./lib');
const { ModuleClient, Message } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');
const iothub = require('azure-iothub');

lib.run(async () => {
  const outcome = {};
  const registry = iothub.Registry.fromConnectionString(lib.serviceConnectionString);
  const service = iothub.Client.fromConnectionString(lib.serviceConnectionString);
  const deviceId = 'sdk-module-device';
  const moduleId = 'filter';
  await registry.create({ deviceId });
  const module = (await registry.addModule({ deviceId, moduleId })).responseBody;
  const key = module.authentication.symmetricKey.primaryKey;

  const client = ModuleClient.fromConnectionString(lib.deviceConnectionString(deviceId, key, moduleId), Mqtt);
  await client.open();
  await client.sendEvent(new Message('plain'));
  const output = new Message(JSON.stringify({ alert: true }));
  output.properties.add('level', 'high');
  await client.sendOutputEvent('alerts', output);
  outcome.telemetry = await lib.until(async () => {
    const answer = await lib.emulatorRequest('GET', '/emulator/messages?deviceId=' + deviceId + '&moduleId=' + moduleId);
    return answer.body.length >= 2 && answer.body;
  }, 'the module telemetry');

  const twin = await client.getTwin();
  await new Promise((resolve, reject) => twin.properties.reported.update({ applied: 25 },
    (e) => (e ? reject(e) : resolve())));
  const moduleTwin = (await registry.getModuleTwin(deviceId, moduleId)).responseBody;
  outcome.reportedSeenByService = moduleTwin.properties.reported;
  const desired = new Promise((resolve) => {
    twin.on('properties.desired', (delta) => {
      if (delta.TemperatureThreshold === 30) resolve(delta);
    });
  });
  await registry.updateModuleTwin(deviceId, moduleId, { properties: { desired: { TemperatureThreshold: 30 } } },
    moduleTwin.etag);
  outcome.desiredDelta = await desired;

  client.onMethod('reset', (request, response) => {
    response.send(200, { reset: request.payload }, () => {});
  });
  const call = await lib.invokeWhenListening(service, deviceId, moduleId, { methodName: 'reset', payload: 'hard',
    responseTimeoutInSeconds: 10 });
  outcome.method = call.result;
  await client.close();
  return outcome;
});
