import { useEffect, useState } from 'preact/hooks';
import { api, seg } from '../../api';
import { asApiError, FormError, useAction } from '../../form';

interface Feature {
  name: string;
  enabled: boolean;
}

/** Set-/Get-EflowVmFeature's features: the first two off by default as in the seeds, time-sync on. */
const FEATURES: [string, string][] = [
  ['dm-verity', 'a root slot that does not match its signed root hash never runs (the host checks the whole slot before every start)'],
  ['dps-tpm', "the host's TPM in the guest, as much of it as DPS TPM attestation needs"],
  ['time-sync', "the host sets a VM guest's clock to its own when it strays by more than a second (checked every minute, from now on)"],
];

/** The optional guest features, each turned on or off for the next start (admins). */
export function Features({ name, mayChange, running }: { name: string; mayChange: boolean; running: boolean }) {
  const [features, setFeatures] = useState<Record<string, boolean>>({});
  const [changed, setChanged] = useState(false);
  const action = useAction();
  useEffect(() => {
    for (const [feature] of FEATURES) {
      api<Feature>('GET', `/v1/instances/${seg(name)}/features/${feature}`)
        .then((f) => setFeatures((old) => ({ ...old, [f.name]: f.enabled })), (e) => action.setError(asApiError(e)));
    }
  }, [name]);
  // the box shows the click at once; a refusal puts it back
  const toggle = async (feature: string, enabled: boolean) => {
    setFeatures((old) => ({ ...old, [feature]: enabled }));
    const saved = await action.run(() => api<Feature>('POST', `/v1/instances/${seg(name)}/features/${feature}`, { enabled }),
      (f) => setFeatures((old) => ({ ...old, [f.name]: f.enabled })));
    if (saved) {
      setChanged(true);
    } else {
      setFeatures((old) => ({ ...old, [feature]: !enabled }));
    }
  };
  return (
    <section class="settings-part">
      <h2>Features</h2>
      <FormError error={action.error} fields={[]} />
      <ul class="features">
        {FEATURES.map(([feature, what]) => (
          <li key={feature}>
            <label>
              <input type="checkbox" aria-label={feature} checked={features[feature] ?? false}
                     disabled={!mayChange || action.busy || features[feature] === undefined}
                     onChange={(e) => toggle(feature, e.currentTarget.checked)} />
              <code>{feature}</code>: {what}
            </label>
          </li>
        ))}
      </ul>
      {changed && running && <p class="hint" role="status">Saved: the guest takes it at its next start (Stop, then Start).</p>}
      {changed && !running && <p class="hint" role="status">Saved: the guest takes it when it starts.</p>}
      {!mayChange && <p class="hint">Changing features needs the admin role.</p>}
    </section>
  );
}
