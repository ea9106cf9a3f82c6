'use strict';
const https = require('https');
const tls = require('tls');

// What every scenario shares: the emulator's address, and the one thing the SDKs cannot be told.
//
// azure-iothub connects to https://{HostName} on port 443 and takes no port (a "host:port" HostName is looked up as a
// DNS name and fails), and the MqttWs transport connects to wss://{HostName}:443/$iothub/websocket whatever the
// GatewayHostName. Against an emulator on an ephemeral port, the scenarios therefore send TLS connections that ask for
// {HostName}:443 to the emulator's HTTPS port, keeping the host name for SNI and the certificate check. The MQTT
// transport needs no such help: GatewayHostName=localhost:PORT in a device connection string becomes its mqtts:// URI.
// Against an emulator on the real ports (8883, 443) none of this is needed.
const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(name + ' is not set');
  return value;
};

const serviceConnectionString = env('IOTHUB_CONNECTION_STRING');
const hostName = /HostName=([^;]+)/.exec(serviceConnectionString)[1];
const mqttPort = Number(env('IOTHUB_MQTT_PORT'));
// DPS shares the hub's host name and ports: its HTTPS side is reached as {hostName}:443 like the hub's
const dpsIdScope = process.env.DPS_ID_SCOPE;
const dpsConnectionString = process.env.DPS_CONNECTION_STRING;
const httpsPort = Number(env('IOTHUB_HTTPS_PORT'));

const connect = tls.connect;
tls.connect = function (...args) {
  const options = args[0];
  if (options && typeof options === 'object' && options.host === hostName && Number(options.port || 443) === 443) {
    args[0] = Object.assign({}, options, { port: httpsPort, servername: options.servername || hostName });
  }
  return connect.apply(this, args);
};

function deviceConnectionString(deviceId, key, moduleId) {
  return 'HostName=' + hostName + ';DeviceId=' + deviceId + (moduleId ? ';ModuleId=' + moduleId : '') +
    ';SharedAccessKey=' + key + ';GatewayHostName=' + hostName + ':' + mqttPort;
}

// A request to the emulator's own endpoints (/emulator/...), signed with the service policy.
function emulatorRequest(method, path, body, headers) {
  const { SharedAccessSignature } = require('azure-iothub');
  const parts = Object.fromEntries(serviceConnectionString.split(';').map((p) => {
    const i = p.indexOf('=');
    return [p.slice(0, i), p.slice(i + 1)];
  }));
  const sas = SharedAccessSignature.create(parts.HostName, parts.SharedAccessKeyName, parts.SharedAccessKey,
    Math.floor(Date.now() / 1000) + 3600).toString();
  return new Promise((resolve, reject) => {
    const request = https.request({ host: hostName, path, method,
      headers: Object.assign({ Authorization: sas }, headers || {}) }, (response) => {
      let text = '';
      response.on('data', (chunk) => { text += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, body: text ? safeJson(text) : null }));
    });
    request.on('error', reject);
    if (body !== undefined) request.write(body);
    request.end();
  });
}

function safeJson(text) {
  try { return JSON.parse(text); } catch (e) { return text; }
}

function until(condition, what, timeoutMs) {
  const deadline = Date.now() + (timeoutMs || 10000);
  return new Promise((resolve, reject) => {
    const check = async () => {
      try {
        const value = await condition();
        if (value) return resolve(value);
      } catch (e) { /* not yet */ }
      if (Date.now() > deadline) return reject(new Error('timed out waiting for ' + what));
      setTimeout(check, 50);
    };
    check();
  });
}

// A direct method once the client listens: onDeviceMethod subscribes in the background, and until its SUBACK the hub
// answers 404 (not listening), as IoT Hub does. Retries on 404 only, for up to 10 s.
async function invokeWhenListening(service, deviceId, moduleId, params) {
  const deadline = Date.now() + 10000;
  for (;;) {
    try {
      return moduleId ? await service.invokeDeviceMethod(deviceId, moduleId, params)
        : await service.invokeDeviceMethod(deviceId, params);
    } catch (e) {
      const status = e && e.response ? e.response.statusCode : undefined;
      if (status !== 404 || Date.now() > deadline) throw e;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function errorOf(e) {
  return { name: e && e.constructor ? e.constructor.name : String(e), message: e && e.message,
    status: e && e.response ? e.response.statusCode : undefined };
}

// Each scenario prints one JSON line, its outcome, which the JUnit test reads and asserts on.
function run(scenario) {
  const timer = setTimeout(() => { console.error('scenario timed out'); process.exit(3); }, 60000);
  scenario().then((outcome) => {
    clearTimeout(timer);
    process.stdout.write(JSON.stringify(outcome) + '\n', () => process.exit(0));
  }, (e) => {
    clearTimeout(timer);
    console.error(e && e.stack ? e.stack : e);
    process.exit(1);
  });
}

module.exports = { serviceConnectionString, hostName, mqttPort, httpsPort, dpsIdScope, dpsConnectionString,
  deviceConnectionString, emulatorRequest, until, invokeWhenListening, errorOf, run };
