'use strict';
// An IoT Edge module as IoT Edge users write it: ModuleClient.fromEnvironment over MQTT, with no key in its
// environment. The SDK reads IOTEDGE_* and asks the workload API on IOTEDGE_WORKLOADURI for the trust bundle and for
// every SAS token's signature. Run by the edge hub's tests against the guest's hub and workload socket; prints one
// JSON line with what it saw.
const { ModuleClient, Message } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');

const deadline = setTimeout(() => {
  console.error('edge-module.js: no outcome in 60 s');
  process.exit(2);
}, 60000);

(async () => {
  if (Object.keys(process.env).some((name) => /ConnectionString|SharedAccessKey/i.test(name))) {
    throw new Error('a key or connection string is in the environment');
  }
  const client = await ModuleClient.fromEnvironment(Mqtt);
  await client.open();
  const twin = await client.getTwin();
  const desired = twin.properties.desired;
  await new Promise((resolve, reject) => twin.properties.reported.update({ applied: desired.threshold },
    (e) => (e ? reject(e) : resolve())));
  const message = new Message(JSON.stringify({ machine: { temperature: 40 } }));
  message.properties.add('level', 'critical');
  message.messageId = 'edge-module-1';
  message.contentType = 'application/json';
  message.contentEncoding = 'utf-8';
  await client.sendOutputEvent('temperature', message);
  await client.close();
  clearTimeout(deadline);
  console.log(JSON.stringify({ desiredThreshold: desired.threshold, sent: message.messageId }));
})().catch((e) => {
  console.error('edge-module.js: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
