// The samples' deployment applied from the console, both modules seen running, the sensor's log lines arriving live,
// a module restarted and its restart count moving, a bad manifest refused at its field with the running one kept, and a
// setting changed and seen after a restart.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { login, run, shot } from './lib.mjs';

const name = process.env.EFLOW_INSTANCE;
const backend = process.env.EFLOW_BACKEND;
const manifest = await readFile(process.env.EFLOW_MANIFEST, 'utf8');

run(async (page) => {
  await login(page, 'admin', process.env.EFLOW_ADMIN_PASSWORD);
  await page.goto(`${process.env.EFLOW_CONSOLE_URL}#/instances/${name}/deployment`);
  const editor = page.getByLabel('deployment manifest');
  await editor.fill(manifest);
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('status').filter({ hasText: 'applied: 2 modules' }).waitFor({ timeout: 300_000 });
  await shot(page, `deployment-applied-${backend}`);

  await page.getByRole('link', { name: 'Modules' }).click();
  for (const module of ['tempSensor', 'filter']) {
    await page.locator(`tr[data-module="${module}"] .state`).filter({ hasText: 'running' }).waitFor({ timeout: 300_000 });
  }
  await shot(page, `modules-running-${backend}`);

  await page.getByRole('button', { name: 'tempSensor' }).click();
  const log = page.getByRole('log', { name: 'log of tempSensor' });
  await log.locator('div').first().waitFor({ timeout: 180_000 });
  const before = await log.locator('div').count();
  await page.waitForFunction(([count]) => document.querySelectorAll('[aria-label="log of tempSensor"] > div').length > count + 1,
    [before], { timeout: 180_000 });
  await page.getByLabel('filter the log').fill('no line has this');
  assert.equal(await log.locator('div').count(), 1, 'the filter leaves only the scroll anchor');
  await page.getByLabel('filter the log').fill('');
  await shot(page, `module-log-${backend}`);

  const restarts = page.locator('tr[data-module="tempSensor"] td.restarts');
  const count = Number(await restarts.textContent());
  await page.locator('tr[data-module="tempSensor"]').getByRole('button', { name: 'Restart' }).click();
  await page.waitForFunction(([old]) => Number(document.querySelector('tr[data-module="tempSensor"] td.restarts')?.textContent) > old,
    [count], { timeout: 300_000 });
  await shot(page, `module-restarted-${backend}`);

  await page.getByRole('link', { name: 'Deployment' }).click();
  await editor.fill(manifest.replace('"restartPolicy": "always"', '"restartPolicy": "sometimes"'));
  await page.getByRole('button', { name: 'Apply' }).click();
  const refusal = page.getByRole('alert');
  await refusal.waitFor();
  assert.match(await refusal.textContent(), /restartPolicy/);
  await page.getByLabel('the line the error names').waitFor();
  await shot(page, `deployment-refused-${backend}`);
  await page.getByRole('link', { name: 'Modules' }).click();
  await page.locator('tr[data-module="filter"] .state').filter({ hasText: 'running' }).waitFor({ timeout: 60_000 });

  await page.getByRole('link', { name: 'Overview' }).click();
  await page.getByLabel('CPUs').fill('2');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('status').filter({ hasText: 'next start' }).waitFor();
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await page.getByRole('heading', { name }).getByText('stopped').waitFor({ timeout: 300_000 });
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await page.getByRole('heading', { name }).getByText('running').waitFor({ timeout: 600_000 });
  await page.locator('dt:text-is("CPUs") + dd').filter({ hasText: '2' }).waitFor();
  await shot(page, `setting-after-restart-${backend}`);

  await page.getByRole('link', { name: 'Hub' }).click();
  await page.waitForFunction(() => Number(document.querySelector('dd.clients')?.textContent) >= 2, null, { timeout: 300_000 });
  await page.locator('table.routes tbody tr').first().waitFor();
  await page.getByRole('img', { name: 'messages per second per route' }).waitFor({ timeout: 120_000 });
  await shot(page, `hub-${backend}`);

  await page.getByRole('link', { name: 'Diagnose' }).click();
  await page.locator('table.checks tbody tr').first().waitFor({ timeout: 300_000 });
  await shot(page, `diagnose-${backend}`);
  await page.getByRole('button', { name: `Open a terminal in ${name}` }).click();
  const terminal = page.locator('.xterm-rows');
  await terminal.waitFor();
  await page.locator('.xterm').click();
  await page.waitForFunction(() => /[$#] *$/m.test(document.querySelector('.xterm-rows')?.textContent ?? ''), null, { timeout: 180_000 });
  await page.keyboard.type('uname -a');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => (document.querySelector('.xterm-rows')?.textContent ?? '').includes('Linux'), null, { timeout: 120_000 });
  await shot(page, `terminal-${backend}`);

  // logging out (here from the page's own origin, as another tab would) closes the open terminal at once
  await page.evaluate(async () => {
    const session = await (await fetch('/v1/console/session')).json();
    await fetch('/v1/console/logout', { method: 'POST', headers: { 'X-CSRF-Token': session.csrf } });
  });
  await page.getByRole('status').filter({ hasText: 'the console session or token ended' }).waitFor({ timeout: 10_000 });
});
