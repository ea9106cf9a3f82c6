'use strict';
// An X.509 enrollment group: the service SDK enrolls the device maker's CA as the group's signing certificate; a
// device whose certificate the CA issued (its CN the registration id) registers over MQTT, then connects to the hub
// with the same certificate, and registers again over HTTP; a self-signed certificate of the same name is refused on
// both.
const fs = require('fs');
const lib = require('./lib');
const { ProvisioningServiceClient } = require('azure-iot-provisioning-service');
const { ProvisioningDeviceClient } = require('azure-iot-provisioning-device');
const { Mqtt: ProvisioningMqtt } = require('azure-iot-provisioning-device-mqtt');
const { Http } = require('azure-iot-provisioning-device-http');
const { X509Security } = require('azure-iot-security-x509');
const { Client, Message, X509AuthenticationProvider } = require('azure-iot-device');
const { Mqtt } = require('azure-iot-device-mqtt');

// MQTT takes the port in the URI; HTTP goes to {host}:443, which lib.js sends to the emulator's HTTPS port
function register(registrationId, certFile, keyFile, overHttp) {
  const x509 = { cert: fs.readFileSync(certFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8') };
  return ProvisioningDeviceClient.create(overHttp ? lib.hostName : lib.hostName + ':' + lib.mqttPort, lib.dpsIdScope,
    overHttp ? new Http() : new ProvisioningMqtt(), new X509Security(registrationId, x509)).register();
}

lib.run(async () => {
  const outcome = {};
  const registrationId = process.env.X509_DEVICE_ID;
  const service = ProvisioningServiceClient.fromConnectionString(lib.dpsConnectionString);
  const group = (await service.createOrUpdateEnrollmentGroup({ enrollmentGroupId: 'dps-x509-group',
    attestation: { type: 'x509', x509: { signingCertificates: { primary: {
      certificate: fs.readFileSync(process.env.X509_CA, 'utf8') } } } } })).responseBody;
  outcome.groupSubject = group.attestation.x509.signingCertificates.primary.info.subjectName;

  const state = await register(registrationId, process.env.X509_CERT, process.env.X509_KEY);
  outcome.state = { assignedHub: state.assignedHub, deviceId: state.deviceId, status: state.status };
  const client = Client.fromAuthenticationProvider(new X509AuthenticationProvider({ host: state.assignedHub,
    deviceId: state.deviceId, gatewayHostName: state.assignedHub + ':' + lib.mqttPort,
    x509: { cert: fs.readFileSync(process.env.X509_CERT, 'utf8'), key: fs.readFileSync(process.env.X509_KEY, 'utf8') } }), Mqtt);
  await client.open();
  await client.sendEvent(new Message('provisioned with a certificate'));
  await client.close();
  outcome.sent = (await lib.emulatorRequest('GET', '/emulator/messages?deviceId=' + registrationId)).body.map((m) => m.body);
  const again = await register(registrationId, process.env.X509_CERT, process.env.X509_KEY, true);
  outcome.overHttp = { deviceId: again.deviceId, substatus: again.substatus };
  outcome.impostor = await register(registrationId, process.env.X509_OTHER_CERT, process.env.X509_OTHER_KEY)
    .then(() => null, (e) => lib.errorOf(e));
  outcome.impostorOverHttp = await register(registrationId, process.env.X509_OTHER_CERT, process.env.X509_OTHER_KEY, true)
    .then(() => null, (e) => lib.errorOf(e));
  return outcome;
});
