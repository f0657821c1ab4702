// Starts the real frontdesk server for a test: a loopback port, a temporary SQLite store,
// operator tokens for each role, a webhook secret, and optional TOML settings.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const ARTIFACTS = path.join(REPO, 'web/tests/artifacts');

export const TOKENS = {
  operator: { token: 'op-token-0123456789abcdef', id: 'op-ana', role: 'operator' },
  operator2: { token: 'op-token-fedcba9876543210', id: 'op-ben', role: 'operator' },
  manager: { token: 'mgr-token-0123456789abcdef', id: 'mgr-cho', role: 'manager' },
};
export const WEBHOOK_SECRET = 'whsec-test-0123456789abcdef0123';

export function frontdeskBinary() {
  const bin = process.env.FRONTDESK_BIN;
  if (!bin) throw new Error('FRONTDESK_BIN is not set: point it at the built frontdesk binary (build/<dir>/app/frontdesk)');
  if (!existsSync(bin)) throw new Error(`FRONTDESK_BIN=${bin} does not exist: build the frontdesk target first`);
  return bin;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts a server. options.toml: extra settings file content; options.env: extra environment
 * (a later Chatwoot variant passes its base URL here). Returns {url, port, dir, restart(), stop()}.
 */
export async function startServer(name, options = {}) {
  const bin = frontdeskBinary();
  const dir = mkdtempSync(path.join(tmpdir(), 'frontdesk-web-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  const args = ['serve'];
  if (options.toml) {
    writeFileSync(path.join(dir, 'frontdesk.toml'), options.toml);
    args.push('--config', path.join(dir, 'frontdesk.toml'));
  }
  const launch = async (port) => {
    const log = openSync(path.join(ARTIFACTS, `server-${name}.log`), 'a');
    const env = {
      ...process.env,
      FRONTDESK_LISTEN: `127.0.0.1:${port}`,
      FRONTDESK_DB: `sqlite:${path.join(dir, 'db.sqlite')}`,
      FRONTDESK_OPERATOR_TOKENS: Object.values(TOKENS).map((t) => `${t.token}:${t.id}:${t.role}`).join(','),
      CHATWOOT_WEBHOOK_SECRET: WEBHOOK_SECRET,
      FRONTDESK_KB_DIR: path.join(REPO, 'kb'),
      FRONTDESK_LOG_LEVEL: 'info',
      ASAN_OPTIONS: process.env.ASAN_OPTIONS ?? 'detect_leaks=0',
      ...(options.env ?? {}),
    };
    const child = spawn(bin, args, { cwd: dir, env, stdio: ['ignore', log, log] });
    closeSync(log);
    const proc = { child, exited: null };
    child.on('exit', (code, signal) => { proc.exited = { code, signal }; });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60000;
    while (Date.now() < deadline && !proc.exited) {
      try {
        const r = await fetch(`${url}/health`);
        if (r.ok && (await r.json()).status === 'ok') return proc;
      } catch { /* not listening yet */ }
      await sleep(100);
    }
    if (!proc.exited) child.kill('SIGKILL');
    return null;
  };
  const halt = async (proc) => {
    if (!proc.exited) {
      proc.child.kill('SIGTERM');
      for (let i = 0; i < 100 && !proc.exited; i++) await sleep(50);
      if (!proc.exited) proc.child.kill('SIGKILL');
      for (let i = 0; i < 100 && !proc.exited; i++) await sleep(50);
    }
  };
  writeFileSync(path.join(ARTIFACTS, `server-${name}.log`), '');
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    let proc = await launch(port);
    if (!proc) continue;  // e.g. the port was taken between probe and bind
    const url = `http://127.0.0.1:${port}`;
    return {
      url, port, dir,
      /** Stops the process and starts it again on the same port and store. */
      async restart() {
        await halt(proc);
        for (let i = 0; i < 50; i++) {
          proc = await launch(port);
          if (proc) return;
          await sleep(200);
        }
        throw new Error(`frontdesk did not restart (see web/tests/artifacts/server-${name}.log)`);
      },
      async stop() {
        await halt(proc);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  throw new Error(`frontdesk did not become healthy (see web/tests/artifacts/server-${name}.log)`);
}

/** The operator API with a token, for arranging and checking state beside the page. */
export function apiClient(server, who = TOKENS.operator) {
  const call = async (method, p, body) => {
    const r = await fetch(`${server.url}${p}`, {
      method,
      headers: { Authorization: `Bearer ${who.token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch { json = text; }
    return { status: r.status, body: json };
  };
  return {
    get: (p) => call('GET', p),
    post: (p, b) => call('POST', p, b),
  };
}

/** Polls fn until it returns a truthy value. */
export async function waitFor(fn, { timeout = 30000, interval = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await sleep(interval);
  }
  throw new Error(`timed out waiting for ${what}`);
}
