// The deployment wizard to a running instance: the host checked; the guest chosen with a static host-link address, an
// endpoint on one of the host's networks and DPS provisioning with an enrollment group's key; a malformed address and a
// malformed DPS scope refused at their fields (the second after the deploy, which Deploy then goes on from); the progress
// lines arriving while the daemon deploys; the provisioning followed to "connected"; then the instance's live overview.
import assert from 'node:assert/strict';
import { login, run, shot } from './lib.mjs';

const name = process.env.EFLOW_INSTANCE;
const backend = process.env.EFLOW_BACKEND;
const [hostLink, gateway] = process.env.EFLOW_HOST_LINK.split(' ');
const [endpoint] = process.env.EFLOW_ENDPOINT.split('/');
const [dpsEndpoint, scope, registration] = process.env.EFLOW_DPS.split(' ');

/** The alert shown beside an input, which the input's aria-invalid marks. */
async function refusedAt(page, label, words) {
  const input = page.getByLabel(label, { exact: true });
  await page.waitForFunction((el) => el.getAttribute('aria-invalid') === 'true', await input.elementHandle());
  const alert = page.locator('.field-row', { has: input }).getByRole('alert');
  assert.match(await alert.textContent(), words);
}

run(async (page) => {
  await login(page, 'admin', process.env.EFLOW_ADMIN_PASSWORD);
  await page.getByRole('link', { name: 'Deploy' }).click();
  await page.getByText('Logical processors').waitFor();
  await shot(page, `wizard-host-${backend}`);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel(new RegExp(`^${backend}:`)).check();
  await page.getByLabel('Memory (MiB)', { exact: true }).fill('1024');

  const hostLinkPart = page.getByRole('group', { name: 'Host link', exact: true });
  await hostLinkPart.getByLabel('a static address').check();
  const [address, prefix] = hostLink.split('/');
  await page.getByLabel('Host link IP address').fill(address.split('.').slice(0, 3).join('.'));
  await page.getByLabel('Host link prefix length').fill(prefix);
  await page.getByLabel('Host link gateway').fill(gateway);

  await page.getByLabel('Network', { exact: true }).selectOption(process.env.EFLOW_NETWORK);
  await page.getByRole('group', { name: 'Endpoint', exact: true }).getByLabel('a static address').check();
  await page.getByLabel('Endpoint IP address').fill(endpoint);
  await page.getByLabel('Endpoint prefix length').fill('24');

  await page.getByLabel('Provisioning', { exact: true }).selectOption('dps-symmetric-key');
  await page.getByLabel('DPS global endpoint').fill(dpsEndpoint);
  await page.getByLabel('ID scope').fill('not a scope!');
  await page.getByLabel('Registration id').fill(registration);
  await page.getByLabel("the enrollment group's").check();
  await page.getByLabel('Symmetric key').fill(process.env.EFLOW_DPS_GROUP_KEY);
  await page.getByLabel(/^Trust bundle.*from a file$/).setInputFiles(process.env.EFLOW_DPS_TRUST);
  await page.waitForFunction(() => document.querySelector('.provisioning textarea')?.value.includes('BEGIN CERTIFICATE'));
  await shot(page, `wizard-settings-${backend}`);

  // the daemon checks every guest setting before it creates anything: the short address is refused at its field
  await page.getByRole('button', { name: 'Deploy' }).click();
  await refusedAt(page, 'Host link IP address', /IPv4 address/);
  await shot(page, `wizard-refused-address-${backend}`);
  await page.getByLabel('Host link IP address').fill(address);

  await page.getByRole('button', { name: 'Deploy' }).click();
  const log = page.getByRole('log', { name: 'deploy progress' });
  await log.locator('div').first().waitFor({ timeout: 60_000 });
  await shot(page, `wizard-progress-${backend}`);
  // the guest checks the provisioning when it gets it, after the deploy: refused at the scope's field, the instance kept
  await refusedAt(page, 'ID scope', /DPS id scope/);
  await page.getByRole('status').filter({ hasText: `${name} is deployed` }).waitFor();
  await shot(page, `wizard-refused-scope-${backend}`);
  await page.getByLabel('ID scope').fill(scope);
  await page.getByRole('button', { name: 'Deploy' }).click();

  await page.getByRole('status').filter({ hasText: `${name} is running` }).waitFor({ timeout: 300_000 });
  assert.match(await log.locator('div').first().textContent(), /^provisioning/, 'Deploy went on without deploying again');
  await page.locator('.provisioning-state dd.link.connected').waitFor({ timeout: 180_000 });
  assert.match(await page.getByLabel('provisioning', { exact: true }).textContent(), new RegExp(`Device${registration}`));
  await shot(page, `wizard-done-${backend}`);
  await page.getByRole('link', { name: `Open ${name}` }).click();
  await page.getByRole('heading', { name }).getByText('running').waitFor({ timeout: 60_000 });
  await page.locator('dt:text-is("Address") + dd').filter({ hasText: hostLink }).waitFor();
  await page.getByText('Memory used').waitFor({ timeout: 180_000 });
  await page.getByRole('img', { name: 'CPU' }).waitFor({ timeout: 180_000 });
  await shot(page, `instance-${backend}`);
});
