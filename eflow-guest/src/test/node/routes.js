'use strict';
// Two modules on the official Node SDK (MQTT) against the edge hub: 'sensor' sends output events, 'sink' listens on
// its inputs ('inputMessage'). The JUnit test gives the modules' connection strings, the messages to send and how
// many deliveries to wait for; the script prints, as one JSON line, what the sink's SDK handed it.
//
// The SDK packages are the IoT Hub emulator's (iothub-emulator/src/test/node, installed by the build's npm ci): the
// test points NODE_PATH at them.
const { ModuleClient, Message } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(name + ' is not set');
  return value;
};

async function main() {
  const scenario = JSON.parse(env('SCENARIO'));
  const received = [];
  const sink = ModuleClient.fromConnectionString(scenario.sink, Mqtt);
  sink.on('inputMessage', (input, msg) => {
    const properties = {};
    for (const p of msg.properties.propertyList) properties[p.key] = p.value;
    received.push({ input, body: msg.data.toString(), properties, messageId: msg.messageId,
      correlationId: msg.correlationId, contentType: msg.contentType, contentEncoding: msg.contentEncoding });
    sink.complete(msg, () => {});
  });
  await sink.open();

  const sensor = ModuleClient.fromConnectionString(scenario.sensor, Mqtt);
  await sensor.open();
  for (const sent of scenario.messages) {
    const msg = new Message(sent.id);
    msg.messageId = sent.messageId;
    msg.correlationId = sent.correlationId;
    if (sent.contentType) msg.contentType = sent.contentType;
    if (sent.contentEncoding) msg.contentEncoding = sent.contentEncoding;
    for (const [key, value] of sent.properties) msg.properties.add(key, value);
    await sensor.sendOutputEvent(sent.output, msg); // resolves on the hub's PUBACK: stored and routed
  }

  const deadline = Date.now() + 15000;
  while (received.length < scenario.deliveries && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await sensor.close();
  await sink.close();
  return { received };
}

const timer = setTimeout(() => { console.error('routes.js timed out'); process.exit(3); }, 30000);
main().then((outcome) => {
  clearTimeout(timer);
  process.stdout.write(JSON.stringify(outcome) + '\n', () => process.exit(0));
}, (e) => {
  clearTimeout(timer);
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
