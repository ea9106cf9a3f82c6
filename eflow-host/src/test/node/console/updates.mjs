// An update from the console: the source checked, the bundle applied, its progress followed through writing, the trial
// boot and the health check to "committed", and the new version running.
import { login, run, shot } from './lib.mjs';

const name = process.env.EFLOW_INSTANCE;
const backend = process.env.EFLOW_BACKEND;
const version = process.env.EFLOW_UPDATE_VERSION;

run(async (page) => {
  await login(page, 'admin', process.env.EFLOW_ADMIN_PASSWORD);
  await page.goto(`${process.env.EFLOW_CONSOLE_URL}#/instances/${name}/updates`);
  await page.locator('dd.version').waitFor();
  await page.getByLabel('update source').fill(process.env.EFLOW_UPDATE_SOURCE);
  await page.getByRole('button', { name: 'Check' }).click();
  await page.getByRole('button', { name: `Apply ${version}` }).click();
  const lines = page.getByRole('log', { name: 'update progress lines' });
  await lines.locator('div').first().waitFor({ timeout: 60_000 });
  await shot(page, `update-progress-${backend}`);
  await lines.getByText(/committed: running/).waitFor({ timeout: 900_000 });
  await page.locator('dd.version').filter({ hasText: version }).waitFor({ timeout: 60_000 });
  await shot(page, `update-committed-${backend}`);
});
