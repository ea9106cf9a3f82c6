// The console in Debian's Chromium (Playwright): the instance list's time to interactive over HTTPS next to the API
// answer it waits for, and a live log line's latency from the guest runtime to the page next to nothing (printed by the
// caller beside curl's on the host socket). Prints one JSON line. Called by bench/console.sh.
import { pathToFileURL } from 'node:url';

const { chromium } = await import(pathToFileURL(process.env.PLAYWRIGHT_CORE).href);
const url = process.env.EFLOW_CONSOLE_URL;
const runs = Number(process.env.RUNS ?? 10);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update',
    '--disable-sync'] });
try {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const login = await context.request.post(`${url}v1/console/login`, { data: { user: 'admin', password: process.env.EFLOW_ADMIN_PASSWORD } });
  if (!login.ok()) {
    throw new Error(`login: ${login.status()}`);
  }
  const interactive = [];
  const api = [];
  for (let i = 0; i < runs; i++) {
    const page = await context.newPage();
    await page.goto(`${url}#/instances`);
    await page.getByRole('link', { name: 'bench' }).waitFor();
    // from the navigation's start to the list shown and clickable
    interactive.push(await page.evaluate(() => performance.now()));
    api.push(await page.evaluate(async () => {
      const t0 = performance.now();
      await (await fetch('/v1/instances')).json();
      return performance.now() - t0;
    }));
    await page.close();
  }
  const page = await context.newPage();
  await page.goto(`${url}#/instances`);
  const latencies = await page.evaluate(async (count) => new Promise((resolve) => {
    const started = Date.now();
    const seen = [];
    const source = new EventSource('/v1/instances/bench/modules/tempSensor/logs/events?tail=0');
    source.onmessage = (event) => {
      const line = JSON.parse(event.data);
      if (line.time && Date.parse(line.time) >= started) {
        seen.push(Date.now() - Date.parse(line.time));
      }
      if (seen.length >= count) {
        source.close();
        resolve(seen);
      }
    };
  }), runs * 2);
  console.log(JSON.stringify({ interactive, api, latencies }));
} finally {
  await browser.close();
}
