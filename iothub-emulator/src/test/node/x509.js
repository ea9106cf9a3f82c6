'use strict';
// A device that authenticates with a self-signed client certificate (IoT Hub's selfSigned thumbprint), and one whose
// certificate is not the registered one.
const fs = require('fs');
const lib = require('./lib');
const { Client, Message, X509AuthenticationProvider } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');

// An x509=true connection string drops GatewayHostName (the SDK keeps only HostName and DeviceId), so the credentials
// are given whole, with the gateway that carries the emulator's port.
async function openWith(deviceId, certFile, keyFile) {
  const client = Client.fromAuthenticationProvider(new X509AuthenticationProvider({ host: lib.hostName, deviceId,
    gatewayHostName: lib.hostName + ':' + lib.mqttPort,
    x509: { cert: fs.readFileSync(certFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8') } }), Mqtt);
  await client.open();
  return client;
}

lib.run(async () => {
  const outcome = {};
  const deviceId = process.env.X509_DEVICE_ID;
  const client = await openWith(deviceId, process.env.X509_CERT, process.env.X509_KEY);
  outcome.opened = true;
  await client.sendEvent(new Message('from a certificate'));
  const twin = await client.getTwin();
  outcome.twinVersion = twin.properties.desired.$version;
  await client.close();
  outcome.telemetry = (await lib.emulatorRequest('GET', '/emulator/messages?deviceId=' + deviceId)).body.map((m) => m.body);
  try {
    const other = await openWith(deviceId, process.env.X509_OTHER_CERT, process.env.X509_OTHER_KEY);
    await other.close();
    outcome.otherCertificate = null;
  } catch (e) {
    outcome.otherCertificate = lib.errorOf(e);
  }
  return outcome;
});
