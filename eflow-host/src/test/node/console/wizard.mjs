// The deployment wizard to a running instance: the host checked, the guest chosen, the progress lines arriving while
// the daemon deploys, then the instance's live overview with its charts.
import { login, run, shot } from './lib.mjs';

const name = process.env.EFLOW_INSTANCE;
const backend = process.env.EFLOW_BACKEND;

run(async (page) => {
  await login(page, 'admin', process.env.EFLOW_ADMIN_PASSWORD);
  await page.getByRole('link', { name: 'Deploy' }).click();
  await page.getByText('Logical processors').waitFor();
  await shot(page, `wizard-host-${backend}`);
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel(new RegExp(`^${backend}:`)).check();
  await page.getByLabel('Memory (MiB)', { exact: true }).fill('1024');
  await shot(page, `wizard-settings-${backend}`);
  await page.getByRole('button', { name: 'Deploy' }).click();
  const log = page.getByRole('log', { name: 'deploy progress' });
  await log.locator('div').first().waitFor({ timeout: 60_000 });
  await shot(page, `wizard-progress-${backend}`);
  await page.getByRole('status').filter({ hasText: `${name} is running` }).waitFor({ timeout: 300_000 });
  await shot(page, `wizard-done-${backend}`);
  await page.getByRole('link', { name: `Open ${name}` }).click();
  await page.getByRole('heading', { name }).getByText('running').waitFor({ timeout: 60_000 });
  await page.getByText('Memory used').waitFor({ timeout: 180_000 });
  await page.getByRole('img', { name: 'CPU' }).waitFor({ timeout: 180_000 });
  await shot(page, `instance-${backend}`);
});
