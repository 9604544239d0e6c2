// `pnpm test` runs tap through this: it makes the run's template databases (helpers/templates.ts) once, before the
// first test file starts, runs tap with them (arguments passed through), then drops them, whether tap passed, failed
// or was interrupted, and exits with tap's code. Every test process copies its databases from these templates.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { makeTemplates, TEMPLATES_ENV } from './helpers/templates.js';

const TAP = fileURLToPath(new URL('../node_modules/.bin/tap', import.meta.url));

const started = Date.now();
const made = await makeTemplates(process.env.TEST_DATABASE_URL, { files: true });
const engine = made.templates.engine;
console.log(`# test templates (${engine}) made in ${((Date.now() - started) / 1000).toFixed(1)} s`);

let code: number;
try {
  const tap = spawn(TAP, process.argv.slice(2), {
    stdio: 'inherit',
    env: { ...process.env, [TEMPLATES_ENV]: JSON.stringify(made.templates) },
  });
  // A Ctrl-C reaches tap too (same process group); a signal sent to this process alone is passed on. Either way this
  // process stays to drop the templates once tap has gone.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => tap.kill(signal));
  code = await new Promise<number>((resolve) => {
    tap.on('error', (err) => {
      console.error(`test/suite.ts: could not run tap: ${err.message}`);
      resolve(1);
    });
    tap.on('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0)));
  });
} finally {
  await made.drop();
}
process.exit(code);
