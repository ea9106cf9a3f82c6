/**
 * IoT Hub's credentials as its SDKs write them: the device or module {@link io.eflow.contract.iothub.ConnectionString}
 * and the {@link io.eflow.contract.iothub.SasToken} signed with its key. JDK only, so the guest's edge hub (which
 * checks its modules' tokens and signs its own upstream) and the IoT Hub emulator (which checks every client's and the
 * service's tokens) share one implementation of the signature, not two that could drift apart.
 */
package io.eflow.contract.iothub;
