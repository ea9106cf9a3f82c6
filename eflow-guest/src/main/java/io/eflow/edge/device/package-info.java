/**
 * Where the edge agent and the edge hub meet, owned by neither: who the device is to its modules
 * ({@link io.eflow.edge.device.DeviceIdentity}) and what the agent needs of a hub
 * ({@link io.eflow.edge.device.ModuleHub}). The agent calls the port, the hub implements it, and
 * {@link io.eflow.guest.GuestMain} joins the two; so neither imports the other, and the agent runs alone in its tests.
 */
package io.eflow.edge.device;
