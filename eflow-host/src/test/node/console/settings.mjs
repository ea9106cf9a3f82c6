// The instance's Settings tab. change: the endpoint the wizard added and its address in the running guest shown, a
// malformed port refused at its field, a firewall rule on that endpoint allowed, a forward into the guest added, the
// dm-verity feature turned on for the next start. undo (after a stop and a start): the feature still on, and the three
// taken away again. The Java test checks each from the host in between.
import assert from 'node:assert/strict';
import { login, run, shot } from './lib.mjs';

const name = process.env.EFLOW_INSTANCE;
const backend = process.env.EFLOW_BACKEND;
const network = process.env.EFLOW_NETWORK;
const hostPort = process.env.EFLOW_FORWARD_HOST_PORT;
const guestPort = process.env.EFLOW_FORWARD_GUEST_PORT;
const phase = process.env.EFLOW_PHASE;

run(async (page) => {
  await login(page, 'admin', process.env.EFLOW_ADMIN_PASSWORD);
  await page.goto(`${process.env.EFLOW_CONSOLE_URL}#/instances/${name}/settings`);
  const verity = page.getByLabel('dm-verity', { exact: true });
  const rule = page.locator('tr[data-rule="tcp 8080"]');
  const forward = page.locator(`tr[data-forward="127.0.0.1:${hostPort} ${guestPort}"]`);
  await page.locator(`tr[data-endpoint="${network}"] td.addresses`).filter({ hasText: /^up / }).waitFor({ timeout: 60_000 });
  await page.waitForFunction((el) => !el.disabled, await verity.elementHandle());

  if (phase === 'change') {
    const allow = page.getByRole('form', { name: 'allow a firewall rule' });
    await allow.getByLabel('Port or range').fill('70000');
    await allow.getByRole('button', { name: 'Allow' }).click();
    const port = allow.getByLabel('Port or range');
    await page.waitForFunction((el) => el.getAttribute('aria-invalid') === 'true', await port.elementHandle());
    assert.match(await allow.locator('.field-row', { has: page.getByLabel('Port or range') }).getByRole('alert').textContent(), /1-65535/);
    await shot(page, `settings-refused-${backend}`);
    await port.fill('8080');
    await allow.getByLabel('From (CIDR)').fill('198.19.31.0/24');
    await allow.getByLabel('On endpoint').selectOption(network);
    await allow.getByRole('button', { name: 'Allow' }).click();
    await rule.waitFor();

    const add = page.getByRole('form', { name: 'add a forward' });
    await add.getByLabel('Host port').fill(hostPort);
    await add.getByLabel('Guest port').fill(guestPort);
    await add.getByRole('button', { name: 'Forward' }).click();
    await forward.waitFor();

    assert.equal(await verity.isChecked(), false);
    await verity.check();
    await page.getByRole('status').filter({ hasText: 'next start' }).waitFor();
    await shot(page, `settings-${backend}`);
  } else {
    assert.equal(await verity.isChecked(), true, 'dm-verity still on after the stop and the start');
    await rule.getByRole('button', { name: 'Remove' }).click();
    await rule.waitFor({ state: 'detached' });
    await forward.getByRole('button', { name: 'Remove' }).click();
    await forward.waitFor({ state: 'detached' });
    await verity.uncheck();
    await page.getByRole('status').filter({ hasText: 'next start' }).waitFor();
    await page.reload();
    await page.locator(`tr[data-endpoint="${network}"]`).waitFor();
    await page.waitForFunction((el) => !el.disabled, await page.getByLabel('dm-verity', { exact: true }).elementHandle());
    assert.equal(await page.getByLabel('dm-verity', { exact: true }).isChecked(), false, 'dm-verity off after a reload');
    assert.equal(await rule.count(), 0);
    await shot(page, `settings-undone-${backend}`);
  }
});
