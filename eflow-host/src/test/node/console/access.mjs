// Without guests: a wrong password is refused on the page; an admin logs in, sees the empty instance list and the host,
// adds a user and sees its one-time password; a viewer has no users page; logging out returns to the login form and
// the old session is gone.
import assert from 'node:assert/strict';
import { login, run, shot, url } from './lib.mjs';

run(async (page) => {
  await login(page, 'admin', 'not the password');
  await page.getByRole('alert').filter({ hasText: 'wrong user name or password' }).waitFor();
  await shot(page, 'login-refused');

  await login(page, 'admin', process.env.EFLOW_ADMIN_PASSWORD);
  await page.getByRole('heading', { name: 'Instances' }).waitFor();
  await page.getByText('No instances on this host yet').waitFor();
  await shot(page, 'instances-empty');

  await page.getByRole('link', { name: 'Host' }).click();
  await page.getByText('Logical processors').waitFor();
  await shot(page, 'host');

  await page.getByRole('link', { name: 'Users and tokens' }).click();
  await page.getByLabel('new user').fill('watcher');
  await page.getByLabel('role').selectOption('viewer');
  await page.getByRole('button', { name: 'Add user' }).click();
  const secret = await page.getByRole('status').textContent();
  const password = secret.replace(/.*shown this once: /, '').trim();
  assert.match(password, /^[a-z2-9]{20}$/);
  await page.getByRole('cell', { name: 'watcher' }).waitFor();
  await shot(page, 'users');

  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('button', { name: 'Log in' }).waitFor();
  const after = await page.evaluate(async () => (await fetch('/v1/instances')).status);
  assert.equal(after, 401, 'the session ends at logout');

  await login(page, 'watcher', password);
  await page.getByRole('heading', { name: 'Instances' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Users and tokens' }).count(), 0, 'a viewer has no users page');
  const forbidden = await page.evaluate(async () => {
    const { csrf } = await (await fetch('/v1/console/session')).json();
    const answer = await fetch('/v1/console/users', { method: 'POST', headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'mallory', role: 'admin' }) });
    return `${answer.status} ${(await answer.json()).error}`;
  });
  assert.equal(forbidden, '403 user watcher has the viewer role; this needs admin', 'a viewer cannot add users, even by hand');
  await shot(page, 'viewer');
  assert.ok(url.startsWith('https://'));
});
