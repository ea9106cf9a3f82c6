// The instance's last steps from the console, in two phases (EFLOW_PHASE): a restart (the guest comes back running),
// then its removal, confirmed by typing its name, after which the instance list is empty.
import { login, run, shot } from './lib.mjs';

const name = process.env.EFLOW_INSTANCE;
const backend = process.env.EFLOW_BACKEND;
const phase = process.env.EFLOW_PHASE;

run(async (page) => {
  await login(page, 'admin', process.env.EFLOW_ADMIN_PASSWORD);
  await page.goto(`${process.env.EFLOW_CONSOLE_URL}#/instances/${name}/overview`);
  const heading = page.getByRole('heading', { name });
  await heading.getByText('running').waitFor({ timeout: 60_000 });
  if (phase === 'remove') {
    await removeIt(page);
    return;
  }
  await page.getByRole('button', { name: 'Restart', exact: true }).click();
  await page.getByRole('button', { name: 'Restarting…' }).waitFor();
  await page.getByRole('button', { name: 'Restart', exact: true }).waitFor({ timeout: 600_000 });
  await heading.getByText('running').waitFor({ timeout: 600_000 });
  await shot(page, `restarted-${backend}`);
});

async function removeIt(page) {
  await page.getByRole('button', { name: 'Remove…' }).click();
  const remove = page.getByRole('button', { name: `Remove ${name}` });
  if (await remove.isEnabled()) {
    throw new Error('removal was offered before the name was typed');
  }
  await page.getByLabel(`Type ${name} to remove it`).fill(name);
  await shot(page, `remove-confirm-${backend}`);
  await remove.click();
  await page.getByText('No instances on this host yet').waitFor({ timeout: 300_000 });
  await shot(page, `removed-${backend}`);
}
