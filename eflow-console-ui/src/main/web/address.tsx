import { ApiError } from './api';
import { Field, invalid } from './form';

/** A network card's IPv4 configuration as a form holds it: automatic (eflow's own or DHCP), or static. */
export interface Address {
  automatic: boolean;
  ip: string;
  prefix: string;
  gateway: string;
}

export const AUTOMATIC: Address = { automatic: true, ip: '', prefix: '24', gateway: '' };

/** The static address's request fields (ip, prefix, gateway as the API names them); an empty gateway is left out. */
export function staticFields(address: Address): { ip: string; prefix: number; gateway: string | null } {
  return { ip: address.ip.trim(), prefix: Number(address.prefix), gateway: address.gateway.trim() || null };
}

/**
 * The choice between an automatic address and a static one, and the static one's fields, each with the error that
 * names it. {@code card} prefixes the labels, so that two of these on one page stay apart.
 */
export function AddressFields({ card, automaticLabel, value, onChange, error, gatewayHint }: {
  card: string;
  automaticLabel: string;
  value: Address;
  onChange: (next: Address) => void;
  error: ApiError | null;
  gatewayHint: string;
}) {
  const set = (key: keyof Address, text: string) => onChange({ ...value, [key]: text });
  return (
    <div class="address">
      <label class="choice"><input type="radio" name={`${card}-address`} checked={value.automatic}
                                   onChange={() => onChange({ ...value, automatic: true })} />{automaticLabel}</label>
      <label class="choice"><input type="radio" name={`${card}-address`} checked={!value.automatic}
                                   onChange={() => onChange({ ...value, automatic: false })} />a static address</label>
      {!value.automatic && (
        <div class="static">
          <Field label={`${card} IP address`} field="ip" error={error}>
            <input value={value.ip} placeholder="10.213.0.2" aria-invalid={invalid(error, 'ip')}
                   onInput={(e) => set('ip', e.currentTarget.value)} required />
          </Field>
          <Field label={`${card} prefix length`} field="prefix" error={error}>
            <input type="number" min={1} max={30} value={value.prefix} aria-invalid={invalid(error, 'prefix')}
                   onInput={(e) => set('prefix', e.currentTarget.value)} required />
          </Field>
          <Field label={`${card} gateway`} field="gateway" error={error}>
            <input value={value.gateway} placeholder={gatewayHint} aria-invalid={invalid(error, 'gateway')}
                   onInput={(e) => set('gateway', e.currentTarget.value)} />
          </Field>
        </div>
      )}
    </div>
  );
}
