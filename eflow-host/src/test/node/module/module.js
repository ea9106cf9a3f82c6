'use strict';
// An IoT Edge module as its users write one, with the official Node SDK: ModuleClient.fromEnvironment(Mqtt) finds
// the edge hub and signs its tokens through the workload API (IOTEDGE_* variables, no key of its own). It reads its
// twin, reports a property back, answers direct methods and sends a message on output "ticks" every few seconds.
// One log line per step ("twin desired {...}"), for WorkloadIT to follow.
//
// Direct methods:
//   echo      answers its payload
//   workload  {"method","path","body"}: makes that request on its own workload socket and answers {status, body}
//             (api-version 2019-01-30 when the path has none): WorkloadIT attacks the API from inside a module
//   token     a SAS token for this module that the workload API signed: {token, hub, device, module, generationId}
const http = require('http');
const { ModuleClient, Message, IotEdgeAuthenticationProvider } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');

const env = process.env;
const TICK_MS = Number(env.TICK_MS || 5000);

function log(step, value) {
  console.log(value === undefined ? step : step + ' ' + JSON.stringify(value));
}

function socketPath() {
  return new URL(env.IOTEDGE_WORKLOADURI).pathname;
}

/** One request on the workload socket: resolves to {status, body}, the body parsed as JSON when it is JSON. */
function workload(method, path, body) {
  const target = path.includes('?') ? path : path + '?api-version=' + (env.IOTEDGE_APIVERSION || '2019-01-30');
  const data = body === undefined || body === null ? null : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const request = http.request({
      socketPath: socketPath(), method, path: target,
      headers: data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {}
    }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed = text;
        try {
          parsed = JSON.parse(text);
        } catch (e) {
          // not JSON: the text as it came
        }
        resolve({ status: response.statusCode, body: parsed });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    if (data) {
      request.write(data);
    }
    request.end();
  });
}

/** A token as the SDK signs its own: the SDK's IoT Edge authentication provider, which asks the workload API. */
function token() {
  const provider = new IotEdgeAuthenticationProvider({
    workloadUri: env.IOTEDGE_WORKLOADURI,
    deviceId: env.IOTEDGE_DEVICEID,
    moduleId: env.IOTEDGE_MODULEID,
    iothubHostName: env.IOTEDGE_IOTHUBHOSTNAME,
    authScheme: env.IOTEDGE_AUTHSCHEME,
    gatewayHostName: env.IOTEDGE_GATEWAYHOSTNAME,
    generationId: env.IOTEDGE_MODULEGENERATIONID
  });
  return provider.getDeviceCredentials().then((credentials) => {
    provider.stop();
    return {
      token: credentials.sharedAccessSignature, hub: env.IOTEDGE_IOTHUBHOSTNAME, device: env.IOTEDGE_DEVICEID,
      module: env.IOTEDGE_MODULEID, generationId: env.IOTEDGE_MODULEGENERATIONID
    };
  });
}

function report(twin, patch) {
  return new Promise((resolve, reject) => twin.properties.reported.update(patch, (e) => (e ? reject(e) : resolve())));
}

/** What the module reports for desired properties: their greeting back, and the generation it runs as. */
function reported(desired) {
  return { greeting: desired.greeting === undefined ? null : desired.greeting, generationId: env.IOTEDGE_MODULEGENERATIONID };
}

function method(client, name, handler) {
  client.onMethod(name, (request, response) => {
    log('method ' + name, request.payload);
    Promise.resolve().then(() => handler(request.payload)).then(
      (answer) => response.send(200, answer, () => {}),
      (e) => response.send(500, { error: String(e && e.message || e) }, () => {}));
  });
}

async function main() {
  log('environment', {
    module: env.IOTEDGE_MODULEID, device: env.IOTEDGE_DEVICEID, generationId: env.IOTEDGE_MODULEGENERATIONID,
    gateway: env.IOTEDGE_GATEWAYHOSTNAME, workload: env.IOTEDGE_WORKLOADURI,
    connectionString: env.EdgeHubConnectionString !== undefined
  });
  const client = await ModuleClient.fromEnvironment(Mqtt);
  client.on('error', (e) => log('client error', String(e && e.message || e)));
  client.on('disconnect', () => log('disconnected'));
  let closing = false;
  process.on('SIGTERM', () => {
    closing = true;
    log('stopping');
    client.close().catch(() => {}).finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  });

  method(client, 'echo', (payload) => payload);
  method(client, 'workload', (payload) => workload(payload.method, payload.path, payload.body));
  method(client, 'token', () => token());

  await client.open();
  log('open', { generationId: env.IOTEDGE_MODULEGENERATIONID });
  const twin = await client.getTwin();
  log('twin desired', twin.properties.desired);
  await report(twin, reported(twin.properties.desired));
  log('reported', reported(twin.properties.desired));
  twin.on('properties.desired', (delta) => {
    log('desired update', delta);
    report(twin, reported(twin.properties.desired)).catch((e) => log('report failed', String(e.message || e)));
  });

  let tick = 0;
  setInterval(() => {
    if (closing) {
      return;
    }
    const n = ++tick;
    client.sendOutputEvent('ticks', new Message(JSON.stringify({ tick: n, generationId: env.IOTEDGE_MODULEGENERATIONID })))
      .then(() => log('sent ticks', n), (e) => log('send failed', String(e && e.message || e)));
  }, TICK_MS);
}

main().catch((e) => {
  log('failed', String(e && e.stack || e));
  process.exit(1);
});
