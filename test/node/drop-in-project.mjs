// What the drop-in tests (drop-in*.test.mjs) share to make a fresh project from this package as a
// merchant gets it: the commands they run, the packed tarball, and waiting for a condition.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const root = new URL('../../', import.meta.url).pathname;

/**
 * Runs a command to its end; throws with its output (also as `error.stdout`) unless it exits 0.
 * NODE_ENV is left out, so each command sets its own: Vite's preview server sets it to
 * production in this process, which would make npm leave out devDependencies. `env` adds to the
 * environment.
 */
export function run(command, args, cwd, env = {}) {
  const { NODE_ENV, ...inherited } = process.env;
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...inherited, npm_config_update_notifier: 'false', ...env } });
  if (result.status !== 0) {
    const error = new Error(`${command} ${args.join(' ')} failed in ${cwd} (${result.status}):\n${result.stdout}\n${result.stderr}`);
    error.stdout = result.stdout;
    throw error;
  }
  return result;
}

/**
 * A fresh temporary folder (`work`, named from `prefix`) holding this package packed by `npm pack`
 * (`tarball`): dist/ as `npm test` has just built it, not built again.
 */
export function packTarball(prefix) {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], root).stdout);
  return { work, tarball: join(work, packed.filename) };
}

/** Resolves once `condition()` (which may be async) holds, checking every 50 ms; fails naming `what` (a string, or a function for a message made then) after `ms`. */
export async function waitFor(condition, what, ms = 20_000) {
  for (const deadline = Date.now() + ms; !(await condition()); ) {
    if (Date.now() > deadline) throw new Error(`not within ${ms / 1000} s: ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
