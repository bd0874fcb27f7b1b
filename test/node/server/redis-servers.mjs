// redis-server processes for the tests (the Debian package; CI installs it with apt-get): one
// node, or a cluster of three made with `redis-cli --cluster create`. Each server is the leader
// of its own process group on free ports in a temporary directory; stop() kills the groups and
// removes the directory, and so does this process's exit or a signal, so that none outlives a
// test run.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { freePort } from '../free-port.mjs';

const running = new Set();

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

let cleanupInstalled = false;
function installCleanup() {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.once('exit', () => running.forEach(killGroup));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      running.forEach(killGroup);
      process.kill(process.pid, signal); // the default action, now that this listener is gone
    });
  }
}

/**
 * Starts a child in its own process group and resolves once a line of its output matches
 * `ready`, or rejects with its output when it exits first.
 */
export function startProcess(command, args, ready, options = {}) {
  installCleanup();
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk) => {
      output += chunk;
      const match = output.match(ready);
      if (match) resolve({ child, match });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error) => reject(new Error(`${command} could not start (${error.message}); CI installs it with apt-get`)));
    child.once('exit', (code, signal) => reject(new Error(`${command} exited with ${code ?? signal}: ${output}`)));
  });
}

/** Runs a command to its end in its own process group; rejects with its output unless it exits 0. */
export function runProcess(command, args, options = {}) {
  installCleanup();
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', (error) => reject(new Error(`${command} could not start (${error.message}); CI installs it with apt-get`)));
    // 'close', not 'exit': the output is all read by then.
    child.once('close', (code, signal) => {
      running.delete(child);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}: ${output}`));
    });
  });
}

/** Kills a child's process group and waits until the child is gone. */
export async function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  killGroup(child);
  await exited;
}

/** One redis-server on 127.0.0.1 without persistence; `args()` gives more options (fresh ports). */
async function startServer(dir, args = async () => []) {
  // A free port can be taken between the look and the bind: try another.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      const options = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...(await args())];
      const { child } = await startProcess('redis-server', options, /Ready to accept connections/, { cwd: dir });
      return { port, child, url: `redis://127.0.0.1:${port}` };
    } catch (error) {
      if (attempt === 3 || !/Address already in use/.test(error.message)) throw error;
    }
  }
}

/** A single redis-server: `{ url, stop() }`. */
export async function startRedis() {
  const dir = await mkdtemp(join(tmpdir(), 'redis-'));
  const server = await startServer(dir);
  return {
    url: server.url,
    async stop() {
      await stopProcess(server.child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves once `condition()` is true, checking every `everyMs`; rejects after `timeoutMs`. */
async function until(condition, what, { timeoutMs = 20_000, everyMs = 50 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * A cluster of `size` masters (no replicas), every slot assigned and every node saying
 * `cluster_state:ok`: `{ rootNodes, urls, stop() }`.
 */
export async function startRedisCluster(size = 3) {
  const dir = await mkdtemp(join(tmpdir(), 'redis-cluster-'));
  const servers = [];
  try {
    for (let i = 0; i < size; i++) {
      // The bus port is given, not the default port + 10000 (which can be past 65535 or taken).
      const args = async () => ['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${i}.conf`), '--cluster-port', String(await freePort()), '--cluster-node-timeout', '5000'];
      servers.push(await startServer(dir, args));
    }
    const addresses = servers.map((server) => `127.0.0.1:${server.port}`);
    await runProcess('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { cwd: dir });

    const clients = await Promise.all(servers.map((server) => createClient({ url: server.url }).connect()));
    try {
      await until(async () => {
        const infos = await Promise.all(clients.map((client) => client.sendCommand(['CLUSTER', 'INFO'])));
        return infos.every((info) => /cluster_state:ok/.test(info) && new RegExp(`cluster_known_nodes:${size}\\b`).test(info) && /cluster_slots_ok:16384\b/.test(info));
      }, 'cluster_state:ok on every node');
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  } catch (error) {
    await Promise.all(servers.map((server) => stopProcess(server.child)));
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    urls: servers.map((server) => server.url),
    rootNodes: servers.map((server) => ({ url: server.url })),
    async stop() {
      await Promise.all(servers.map((server) => stopProcess(server.child)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
