// What every console scenario shares: Debian's Chromium, headless, in a fresh profile, driven by Playwright; the console's
// address and a user from the Java test that set the daemon up; screenshots into its report folder.
import { chromium } from 'playwright-core';
import { mkdir } from 'node:fs/promises';

export const url = process.env.EFLOW_CONSOLE_URL;
export const shots = process.env.EFLOW_SCREENSHOTS ?? 'screenshots';

export async function withPage(scenario) {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    // a closed network: no background calls home, no QUIC, no sandbox as root
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    // the console's certificate is from the install's own CA, which this fresh profile does not know
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const problems = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => message.type() === 'error' && !message.text().includes('status of 4')
      && problems.push(`console error: ${message.text()}`));
    await mkdir(shots, { recursive: true });
    try {
      await scenario(page);
    } catch (error) {
      // the page's own errors often say why a step found nothing
      if (problems.length > 0) {
        error.message += `\n${problems.join('\n')}`;
      }
      throw error;
    }
    if (problems.length > 0) {
      throw new Error(problems.join('\n'));
    }
  } finally {
    await browser.close();
  }
}

export async function shot(page, name) {
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
}

export async function login(page, user, password) {
  await page.goto(url);
  try {
    await page.getByLabel('User').fill(user);
  } catch (error) {
    // In ConsoleIT the page has twice stayed at "Loading…", its first call unanswered for 15 s, while the same call
    // answered at once in other runs: it is said on stderr, and the page is loaded once more.
    await shot(page, 'login-missing').catch(() => undefined);
    const body = await page.locator('body').innerText().catch((e) => `(no text: ${e.message})`);
    console.error(`login: no login form after 15 s (${error.message.split('\n')[0]}); page ${page.url()} shows: ${body.slice(0, 500)};`
      + ' loading it again');
    await page.goto(url);
    await page.getByLabel('User').fill(user);
  }
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** Runs a scenario as a script: exit 0 when it passed, else 1 with the reason on stderr. */
export function run(scenario) {
  withPage(scenario).then(() => process.exit(0), (error) => {
    console.error(error.stack ?? String(error));
    process.exit(1);
  });
}
