'use strict';
// azure-iothub's Registry against the emulator: devices (an edge device too), modules, twins, a deployment.
const lib = require('./lib');
const iothub = require('azure-iothub');

lib.run(async () => {
  const outcome = {};
  const registry = iothub.Registry.fromConnectionString(lib.serviceConnectionString);

  const plain = (await registry.create({ deviceId: 'reg-plain' })).responseBody;
  outcome.created = { deviceId: plain.deviceId, status: plain.status, type: plain.authentication.type,
    hasKeys: !!plain.authentication.symmetricKey.primaryKey && !!plain.authentication.symmetricKey.secondaryKey,
    etag: plain.etag, iotEdge: plain.capabilities.iotEdge };
  try {
    await registry.create({ deviceId: 'reg-plain' });
  } catch (e) {
    outcome.duplicate = lib.errorOf(e);
  }
  const updated = (await registry.update({ deviceId: 'reg-plain', status: 'disabled', statusReason: 'testing' })).responseBody;
  outcome.updated = { status: updated.status, statusReason: updated.statusReason, sameKey:
    updated.authentication.symmetricKey.primaryKey === plain.authentication.symmetricKey.primaryKey };
  outcome.got = (await registry.get('reg-plain')).responseBody.status;
  outcome.listed = (await registry.list()).responseBody.map((d) => d.deviceId);
  await registry.delete('reg-plain');
  try {
    await registry.get('reg-plain');
  } catch (e) {
    outcome.afterDelete = lib.errorOf(e);
  }

  const edge = (await registry.create({ deviceId: 'reg-edge', capabilities: { iotEdge: true } })).responseBody;
  outcome.edge = edge.capabilities.iotEdge;
  outcome.edgeModules = (await registry.getModulesOnDevice('reg-edge')).responseBody.map((m) => m.moduleId);
  await registry.addModule({ deviceId: 'reg-edge', moduleId: 'tempSensor' });
  outcome.module = (await registry.getModule('reg-edge', 'tempSensor')).responseBody.moduleId;

  const twin = (await registry.getTwin('reg-edge')).responseBody;
  await registry.updateTwin('reg-edge', { tags: { floor: 3 } }, twin.etag);
  outcome.deviceTwinTags = (await registry.getTwin('reg-edge')).responseBody.tags;
  try {
    await registry.updateTwin('reg-edge', { tags: { floor: 4 } }, twin.etag);
  } catch (e) {
    outcome.staleEtag = lib.errorOf(e);
  }
  const moduleTwin = (await registry.getModuleTwin('reg-edge', 'tempSensor')).responseBody;
  await registry.updateModuleTwin('reg-edge', 'tempSensor', { properties: { desired: { interval: 5 } } }, moduleTwin.etag);
  outcome.moduleDesired = (await registry.getModuleTwin('reg-edge', 'tempSensor')).responseBody.properties.desired;

  const content = { modulesContent: {
    $edgeAgent: { 'properties.desired': { schemaVersion: '1.1', runtime: { type: 'docker', settings: {} },
      systemModules: {}, modules: { tempSensor: { type: 'docker', status: 'running', restartPolicy: 'always',
        settings: { image: 'mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.0' } } } } },
    $edgeHub: { 'properties.desired': { schemaVersion: '1.1', routes: { up: 'FROM /messages/* INTO $upstream' },
      storeAndForwardConfiguration: { timeToLiveSecs: 7200 } } },
    tempSensor: { 'properties.desired': { SendInterval: 2 } },
    filter: { 'properties.desired': { TemperatureThreshold: 25 } } } };
  await registry.applyConfigurationContentOnDevice('reg-edge', content);
  const agent = (await registry.getModuleTwin('reg-edge', '$edgeAgent')).responseBody;
  outcome.edgeAgentDesired = agent.properties.desired;
  outcome.edgeHubRoutes = (await registry.getModuleTwin('reg-edge', '$edgeHub')).responseBody.properties.desired.routes;
  outcome.tempSensorDesired = (await registry.getModuleTwin('reg-edge', 'tempSensor')).responseBody.properties.desired;
  // a module IoT Edge makes after the deployment starts with the deployment's desired properties
  await registry.addModule({ deviceId: 'reg-edge', moduleId: 'filter' });
  outcome.filterDesired = (await registry.getModuleTwin('reg-edge', 'filter')).responseBody.properties.desired;

  await registry.removeModule('reg-edge', 'tempSensor');
  try {
    await registry.getModule('reg-edge', 'tempSensor');
  } catch (e) {
    outcome.moduleAfterRemove = lib.errorOf(e);
  }
  try {
    await registry.applyConfigurationContentOnDevice('reg-none', content);
  } catch (e) {
    outcome.unknownDeviceDeployment = lib.errorOf(e);
  }
  return outcome;
});
