import { ApiError, ProvisioningState } from './api';
import { Field, invalid } from './form';

/** Provision-EflowVm's types by the CLI's names, and none. */
export type ProvisioningType = 'none' | 'manual-connection-string' | 'manual-x509' | 'dps-symmetric-key' | 'dps-x509' | 'dps-tpm';

/** What the provisioning step of a form holds; each type uses some of it. */
export interface Provisioning {
  type: ProvisioningType;
  connectionString: string;
  iothubHostname: string;
  deviceId: string;
  globalEndpoint: string;
  scopeId: string;
  registrationId: string;
  keyKind: 'symmetricKey' | 'groupKey';
  key: string;
  identityCert: string;
  identityKey: string;
  trustBundle: string;
}

export const NOT_PROVISIONED: Provisioning = { type: 'none', connectionString: '', iothubHostname: '', deviceId: '', globalEndpoint: '',
  scopeId: '', registrationId: '', keyKind: 'symmetricKey', key: '', identityCert: '', identityKey: '', trustBundle: '' };

const TYPES: [ProvisioningType, string][] = [
  ['none', 'none: local modules only (eflow provision later)'],
  ['manual-connection-string', 'an IoT Edge device connection string'],
  ['manual-x509', 'an IoT Edge device with an X.509 certificate'],
  ['dps-symmetric-key', 'Device Provisioning Service, symmetric key'],
  ['dps-x509', 'Device Provisioning Service, X.509 certificate'],
  ['dps-tpm', "Device Provisioning Service, the host's TPM (turns the dps-tpm feature on)"],
];

/** The fields each type takes beyond the trust bundle, as `eflow provision` checks them. */
const TAKES: Record<ProvisioningType, (keyof Provisioning)[]> = {
  'none': [],
  'manual-connection-string': ['connectionString'],
  'manual-x509': ['iothubHostname', 'deviceId', 'identityCert', 'identityKey'],
  'dps-symmetric-key': ['globalEndpoint', 'scopeId', 'registrationId', 'key'],
  'dps-x509': ['globalEndpoint', 'scopeId', 'registrationId', 'identityCert', 'identityKey'],
  'dps-tpm': ['globalEndpoint', 'scopeId', 'registrationId'],
};

/** The ProvisioningSpec the CLI would send for the same words: only the type's fields, empty ones left out. */
export function provisioningSpec(value: Provisioning): Record<string, string> {
  const spec: Record<string, string> = { type: value.type };
  for (const field of [...TAKES[value.type], 'trustBundle' as const]) {
    const text = value[field].trim();
    if (text) {
      spec[field === 'key' ? value.keyKind : field] = text;
    }
  }
  return spec;
}

/** The provisioning fields of the chosen type, each with the error that names it. */
export function ProvisioningFields({ value, onChange, error }: { value: Provisioning; onChange: (next: Provisioning) => void;
  error: ApiError | null }) {
  const set = <K extends keyof Provisioning>(key: K, item: Provisioning[K]) => onChange({ ...value, [key]: item });
  const takes = TAKES[value.type];
  const text = (field: keyof Provisioning, label: string, hint = '', secret = false) => takes.includes(field) && (
    <Field label={label} field={field} error={error}>
      <input type={secret ? 'password' : 'text'} autocomplete="off" value={value[field]} placeholder={hint} aria-invalid={invalid(error, field)}
             onInput={(e) => set(field, e.currentTarget.value)} />
    </Field>
  );
  const keyField = value.keyKind;
  return (
    <div class="provisioning">
      <Field label="Provisioning" field="type" error={error}>
        <select value={value.type} onChange={(e) => set('type', e.currentTarget.value as ProvisioningType)}>
          {TYPES.map(([type, label]) => <option key={type} value={type}>{label}</option>)}
        </select>
      </Field>
      {text('connectionString', 'Connection string', 'HostName=…;DeviceId=…;SharedAccessKey=…', true)}
      {text('iothubHostname', 'IoT hub host name', 'myhub.azure-devices.net')}
      {text('deviceId', 'Device id')}
      {text('globalEndpoint', 'DPS global endpoint', 'https://global.azure-devices-provisioning.net')}
      {text('scopeId', 'ID scope', '0ne0012345A')}
      {text('registrationId', 'Registration id', value.type === 'dps-symmetric-key' ? '' : 'optional')}
      {takes.includes('key') && (
        <>
          <fieldset class="choices">
            <legend>The key</legend>
            <label class="choice"><input type="radio" name="key-kind" checked={keyField === 'symmetricKey'}
                                         onChange={() => set('keyKind', 'symmetricKey')} />the device's own (an individual enrollment)</label>
            <label class="choice"><input type="radio" name="key-kind" checked={keyField === 'groupKey'}
                                         onChange={() => set('keyKind', 'groupKey')} />the enrollment group's (the device's is derived from it)</label>
          </fieldset>
          <Field label="Symmetric key" field={keyField} error={error}>
            <input type="password" autocomplete="off" value={value.key} aria-invalid={invalid(error, keyField)}
                   onInput={(e) => set('key', e.currentTarget.value)} />
          </Field>
        </>
      )}
      {takes.includes('identityCert') && <PemField label="Identity certificate (PEM, leaf first)" field="identityCert" value={value}
                                                   set={set} error={error} />}
      {takes.includes('identityKey') && <PemField label="Identity private key (PEM)" field="identityKey" value={value} set={set}
                                                  error={error} />}
      {value.type !== 'none' && <PemField label="Trust bundle (PEM; optional: CAs beyond the public ones)" field="trustBundle"
                                          value={value} set={set} error={error} />}
    </div>
  );
}

/** A PEM pasted or read from a file the browser picks. */
function PemField({ label, field, value, set, error }: { label: string; field: 'identityCert' | 'identityKey' | 'trustBundle';
  value: Provisioning; set: (key: keyof Provisioning, text: string) => void; error: ApiError | null }) {
  const load = async (files: FileList | null) => {
    if (files?.[0]) {
      set(field, await files[0].text());
    }
  };
  return (
    <>
      <Field label={label} field={field} error={error}>
        <textarea rows={3} spellcheck={false} value={value[field]} aria-invalid={invalid(error, field)}
                  onInput={(e) => set(field, e.currentTarget.value)} />
      </Field>
      <input type="file" accept=".pem,.crt,.cer,.key" aria-label={`${label}: from a file`} onChange={(e) => load(e.currentTarget.files)} />
    </>
  );
}

/** How the device's provisioning stands: the hub and device, the link, DPS's registration and the last error. */
export function ProvisioningView({ state }: { state: ProvisioningState }) {
  return (
    <dl class="facts provisioning-state" aria-label="provisioning">
      <dt>IoT Hub link</dt><dd class={`link ${state.state}`}>{state.state}</dd>
      {state.type && (<><dt>Type</dt><dd>{state.type}</dd></>)}
      {state.hub && (<><dt>Hub</dt><dd>{state.hub}</dd></>)}
      {state.device && (<><dt>Device</dt><dd>{state.device}</dd></>)}
      {state.dps && (<><dt>DPS</dt><dd>{state.dps.status}{state.dps.registrationId && ` (registration ${state.dps.registrationId})`}
        {state.dps.nextAttempt && `; next attempt ${new Date(state.dps.nextAttempt).toLocaleTimeString()}`}</dd></>)}
      {state.dps?.error && (<><dt>DPS said</dt><dd class="error">{state.dps.error}</dd></>)}
      {state.lastError && (<><dt>Last error</dt><dd class="error">{state.lastError}</dd></>)}
    </dl>
  );
}
