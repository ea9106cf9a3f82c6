package io.eflow.iothub.emulator.dps;

/** A registration in progress, as the device polls it by its id. */
record Operation(String operationId, RegistrationState state) {
}
