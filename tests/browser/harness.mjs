// The server under test and the browser: `vanban serve --demo` on a temp SQLite database and
// index directory, accounts with known passwords, and Debian's Chromium driven by
// playwright-core. Every page is watched for console errors, uncaught exceptions, server
// errors and requests that leave the server's origin.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));

export const ARTEFACTS = process.env.VANBAN_ARTEFACTS || path.join(here, 'artefacts');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function vanbanBinary() {
  if (process.env.VANBAN_BIN) return process.env.VANBAN_BIN;
  const target = process.env.CARGO_TARGET_DIR || path.join(here, '..', '..', 'target');
  return path.join(target, 'debug', 'vanban');
}

/** The accounts the scenarios sign in with (created before they run, known passwords). */
export const USERS = {
  officer: { name: 'bt-canbo', role: 'officer', scope: ['32152'], password: 'bt-canbo-mat-khau-1' },
  approver: { name: 'bt-pheduyet', role: 'approver', scope: [], password: 'bt-pheduyet-mat-khau-1' },
  inspector: { name: 'bt-thanhtra', role: 'inspector', scope: [], password: 'bt-thanhtra-mat-khau-1' },
  admin: { name: 'bt-quantri', role: 'admin', scope: [], password: 'bt-quantri-mat-khau-1' },
};

export class Server {
  constructor() {
    this.bin = vanbanBinary();
    this.dir = mkdtempSync(path.join(tmpdir(), 'vanban-browser-'));
    this.db = `sqlite://${path.join(this.dir, 'vanban.sqlite3')}`;
    this.indexDir = path.join(this.dir, 'index');
    this.log = '';
    this.origin = null;
  }

  common() {
    return ['--database-url', this.db, '--index-dir', this.indexDir];
  }

  async start() {
    if (!existsSync(this.bin)) throw new Error(`vanban binary not found at ${this.bin} (cargo build first, or set VANBAN_BIN)`);
    this.proc = spawn(this.bin, ['serve', '--demo', ...this.common(), '--bind', '127.0.0.1:0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', RUST_LOG: process.env.RUST_LOG || 'warn,vanban=info' },
    });
    // Never outlive the tests, even when they end abruptly.
    process.on('exit', () => this.proc.exitCode === null && this.proc.kill('SIGKILL'));
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    const port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`vanban did not announce its port in 60 s:\n${this.log}`)), 60_000);
      const onData = (chunk) => {
        this.log += chunk.toString();
        // eslint-disable-next-line no-control-regex
        const m = this.log.replace(/\x1b\[[0-9;]*m/g, '').match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      };
      this.proc.stdout.on('data', onData);
      this.proc.stderr.on('data', onData);
      this.proc.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`vanban exited with ${code} before listening:\n${this.log}`));
      });
    });
    this.origin = `http://127.0.0.1:${port}`;
    await this.waitReady();
    for (const u of Object.values(USERS)) this.addUser(u);
    await this.waitIndexed();
  }

  async waitReady() {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const r = await fetch(`${this.origin}/readyz`);
        if (r.status === 200) return;
      } catch { /* not yet */ }
      if (Date.now() > deadline) throw new Error(`/readyz did not answer 200 in 60 s:\n${this.log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The search index has caught up with the sample data (the citizen's search needs it). */
  async waitIndexed() {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = await fetch(`${this.origin}/api/v1/search?q=nuoi+tom&scope=articles`);
      if (r.ok && (await r.json()).total > 0) return;
      if (Date.now() > deadline) throw new Error('the search index did not catch up in 60 s');
      await new Promise((res) => setTimeout(res, 250));
    }
  }

  addUser(u) {
    const args = ['user', 'add', u.name, '--role', u.role, '--password-stdin', ...this.common()];
    for (const s of u.scope) args.push('--scope', s);
    const r = spawnSync(this.bin, args, { input: `${u.password}\n`, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    if (r.status !== 0) throw new Error(`vanban user add ${u.name} failed (${r.status}): ${r.stdout}${r.stderr}`);
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      this.proc.kill('SIGTERM');
      const killer = setTimeout(() => this.proc.kill('SIGKILL'), 15_000);
      await this.exited;
      clearTimeout(killer);
    }
    writeFileSync(path.join(ARTEFACTS, 'server.log'), this.log);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium)`);
  // playwright-core gives the browser a fresh temporary user-data-dir of its own.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Whether a URL stays at the server (or is inline data, which loads nothing). */
function isLocal(url, origin) {
  return url.origin === origin || ['data:', 'blob:', 'about:'].includes(url.protocol);
}

/** Screenshots taken so far per scenario directory: the steps of all its people in order. */
const shots = new Map();

/**
 * A browser context for one person in one scenario. `problems` collects console errors,
 * uncaught exceptions, responses ≥ 500 and requests leaving the origin; `shot(name)` saves a
 * full-page screenshot in the scenario's artefact directory.
 */
export async function person(browser, server, scenario, who) {
  const dir = path.join(ARTEFACTS, scenario);
  mkdirSync(dir, { recursive: true });
  const context = await browser.newContext({
    baseURL: server.origin,
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(15_000);
  const problems = [];
  const origin = server.origin;
  // Nothing leaves the machine: a request elsewhere is recorded (below) and aborted here.
  await context.route((url) => !isLocal(url, origin), (route) => route.abort('blockedbyclient'));
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const at = msg.location().url;
      problems.push(`console error on ${page.url()}: ${msg.text()}${at && at !== page.url() ? ` (${at})` : ''}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`uncaught exception on ${page.url()}: ${err.message}`));
  page.on('request', (req) => {
    const url = req.url();
    if (!isLocal(new URL(url), origin)) {
      problems.push(`request leaving the origin from ${page.url()}: ${req.method()} ${url}`);
    }
  });
  page.on('response', (res) => {
    if (res.status() >= 500) problems.push(`server error ${res.status()} for ${res.request().method()} ${res.url()}`);
  });
  const shot = async (name) => {
    const n = (shots.get(dir) || 0) + 1;
    shots.set(dir, n);
    const file = path.join(dir, `${String(n).padStart(2, '0')}-${who}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
  return { context, page, problems, shot, dir };
}

/** Signs in through the /login form. */
export async function login(p, user) {
  const { page } = p;
  await page.goto('/login');
  await page.getByLabel('Tên đăng nhập').fill(user.name);
  await page.getByLabel('Mật khẩu').fill(user.password);
  await p.shot('login-form');
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.getByRole('button', { name: 'Đăng nhập' }).click()]);
  await p.shot('signed-in');
}
