/**
 * The values that describe an instance: its configuration ({@link io.eflow.instance.model.InstanceConfig}), the
 * folders and disk files of its state ({@link io.eflow.instance.model.InstanceLayout}), its backend kind, power
 * state, network, log size and optional features.
 *
 * <p>Every layer reads these (backends start from them, the boot records live in the layout's files, the REST
 * records carry them), so this package sits at the bottom: it imports only the platform helpers and the firewall's
 * values, never a service. Validation here says what is wrong with a value; which CLI flag carried it is the CLI's
 * business.
 */
package io.eflow.instance.model;
