// Bundles the console into target/classes/io/eflow/console/web: one script, one style sheet (ours and the terminal's,
// imported by app.tsx) and the page, all served by
// eflowd from its own jar (nothing is fetched from elsewhere at run time, and the page's CSP allows only 'self').
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';

const out = process.argv[2] ?? 'target/classes/io/eflow/console/web';
await mkdir(out, { recursive: true });
await build({
  entryPoints: ['src/main/web/app.tsx'],
  bundle: true,
  minify: true,
  sourcemap: false,
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outfile: `${out}/app.js`,
  loader: { '.css': 'css' },
  logLevel: 'warning',
});
await copyFile('src/main/web/index.html', `${out}/index.html`);
