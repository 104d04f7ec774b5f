// Every page of vanban on a phone (390×844) and a desktop (1366×900). The list of pages is the
// route table (`vanban routes --json`, the GET routes declared `.page()`); pages.json gives each
// one or more addresses on the sample data and whom to sign in as. A page route without an
// address fails, and so does an address for a route that no longer exists.
//
// On every page and at both widths: nothing extends past the viewport's right edge except
// inside a scrollable container whose own box fits; `html` and `body` do not hide overflow on
// x; the header and its folded menu stay short on a phone; no axe-core finding of impact serious or critical (WCAG 2 A/AA rules); on a phone, the
// first result (or the «no result» message) of a result page is on the first screen. A
// screenshot of each page at each width goes to the artefact directory, in `pages/`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server, USERS, ARTEFACTS, launchBrowser, person, login } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const FIXTURES = JSON.parse(readFileSync(path.join(here, 'pages.json'), 'utf8'));
delete FIXTURES['//'];

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 900 };
const ROLES = ['anonymous', 'officer', 'approver', 'inspector', 'admin'];
/** What counts as the first result of a result page. */
const FIRST = '.hit, .empty, .data-table tbody tr, table tbody tr, main ol > li, .card-list > li, .result-list > li';

let server;
let browser;
const open = [];

before(async () => {
  mkdirSync(ARTEFACTS, { recursive: true });
  server = new Server();
  await server.start();
  browser = await launchBrowser();
});

after(async () => {
  for (const c of open) await c.close().catch(() => {});
  if (browser) await browser.close();
  if (server) await server.stop();
});

/** The page routes of the route table, from the binary under test. */
function pageRoutes() {
  const r = spawnSync(server.bin, ['routes', '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `vanban routes --json failed: ${r.stderr}`);
  const routes = JSON.parse(r.stdout);
  assert.ok(routes.length > 50, `only ${routes.length} routes listed`);
  for (const route of routes) {
    if (route.method === 'GET') assert.ok(['page', 'data'].includes(route.answers), `${route.path} answers ${route.answers}`);
  }
  return routes.filter((route) => route.method === 'GET' && route.page);
}

/** The route's path pattern as a regular expression (`{id}` one segment, `{key:.+}` several). */
function patternOf(route) {
  const parts = route.split(/(\{[^}]*\})/).map((p) => {
    if (!p.startsWith('{')) return p.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
    return p.includes(':') ? '.+' : '[^/]+';
  });
  return new RegExp(`^${parts.join('')}$`);
}

test('9. pages.json gives an address to every page route, and to no other', () => {
  const pages = pageRoutes().map((r) => r.path);
  const named = Object.keys(FIXTURES);
  const missing = pages.filter((p) => !named.includes(p));
  const stale = named.filter((p) => !pages.includes(p));
  assert.deepEqual(missing, [], `page routes without an address in tests/browser/pages.json: ${missing.join(', ')}`);
  assert.deepEqual(stale, [], `addresses in tests/browser/pages.json for routes that are no page route: ${stale.join(', ')}`);
  for (const [route, list] of Object.entries(FIXTURES)) {
    assert.ok(Array.isArray(list) && list.length > 0, `${route}: no address`);
    for (const a of list) {
      assert.ok(typeof a.path === 'string' && a.path.startsWith('/'), `${route}: bad address ${JSON.stringify(a)}`);
      assert.ok(ROLES.includes(a.as), `${route}: unknown role ${a.as}`);
      const pathname = a.path.split('?')[0];
      assert.match(pathname, patternOf(route), `${route}: the address ${a.path} is not one of this route's`);
    }
  }
});

/**
 * Runs in the page: elements past the right edge (or the left) outside a scrollable container
 * that fits, whether `html` or `body` hide overflow on x, and where the first result starts.
 */
function measure(first) {
  const vw = document.documentElement.clientWidth;
  const name = (el) =>
    el.tagName.toLowerCase() +
    (el.id ? `#${el.id}` : '') +
    (typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '');
  // Visually hidden text (a 1 px clipped box, for screen readers).
  const clipped = (s, r) => s.position === 'absolute' && (s.clip !== 'auto' || s.clipPath !== 'none') && r.width <= 1;
  // An ancestor that scrolls on x and whose own box stays within the viewport (or a visually
  // hidden one).
  const contained = (el) => {
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (clipped(s, a.getBoundingClientRect())) return true;
      if (['auto', 'scroll'].includes(s.overflowX)) {
        const r = a.getBoundingClientRect();
        return r.right <= vw + 1 && r.left >= -1;
      }
    }
    return false;
  };
  const over = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.right <= vw + 1 && r.left >= -1) continue;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.display === 'none') continue;
    if (clipped(s, r)) continue;
    if (!contained(el)) over.push(`${name(el)} [${Math.round(r.left)}…${Math.round(r.right)}]`);
  }
  // A page wider than the screen with no culprit above (a positioned box escaping its
  // scrolling frame): the elements reaching furthest right, whatever contains them.
  const widest = [];
  if (document.documentElement.scrollWidth > vw && over.length === 0) {
    const all = [...document.body.querySelectorAll('*')].map((el) => [el, el.getBoundingClientRect().right]);
    all.sort((x, y) => y[1] - x[1]);
    for (const [el, right] of all.slice(0, 3)) widest.push(`${name(el)} (right edge ${Math.round(right)})`);
  }
  const hidden = ['html', 'body'].filter((t) => {
    const s = getComputedStyle(document.querySelector(t));
    return ['hidden', 'clip'].includes(s.overflowX);
  });
  const firstEl = first ? document.querySelector(first) : null;
  const header = document.querySelector('.site-header');
  return {
    headerHeight: header ? header.getBoundingClientRect().height : 0,
    scrollWidth: document.documentElement.scrollWidth,
    scrollHeight: document.documentElement.scrollHeight,
    viewport: vw,
    over: over.slice(0, 8),
    widest,
    overCount: over.length,
    hidden,
    firstTop: firstEl ? firstEl.getBoundingClientRect().top + window.scrollY : null,
    firstName: firstEl ? name(firstEl) : null,
  };
}

/** axe-core's serious and critical findings on the page, one line each. */
async function axeFindings(page) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(AXE); // not a script tag: the CSP forbids inline scripts
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
      preload: false,
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.filter((n) => ['serious', 'critical'].includes(n.impact)).map((n) => n.target.join(' ')),
    }));
  });
  return result
    .filter((v) => ['serious', 'critical'].includes(v.impact))
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.targets.slice(0, 5).join(', ')}${v.targets.length > 5 ? ` (+${v.targets.length - 5})` : ''}`);
}

/** A one-page PDF (offsets computed), as src/originals/samples.rs writes it. */
function pdf(text) {
  const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** The records the sample data lacks, made through the pages: a campaign, an inspection, a file, a procedure form. */
async function makeRecords(people) {
  const made = {};
  const officer = people.officer.page;
  await officer.goto('/campaigns');
  await officer.getByLabel('Tên đợt').fill('Rà soát văn bản thị trấn Đầm Dơi (kiểm thử giao diện)');
  await officer.getByLabel('Thời hạn').fill(new Date(Date.now() + 60 * 24 * 3600 * 1000).toISOString().slice(0, 10));
  await officer.getByRole('checkbox', { name: /^Ủy ban nhân dân xã Đầm Dơi( |$)/ }).check();
  await Promise.all([officer.waitForURL(/\/campaigns\/\d+$/), officer.getByRole('button', { name: 'Tạo đợt rà soát' }).click()]);
  made.campaign = new URL(officer.url()).pathname.split('/').pop();
  await officer.getByRole('button', { name: 'Bắt đầu và cố định danh sách văn bản' }).click();
  await officer.waitForSelector('article.review-item');

  await officer.goto('/documents/31/tep/moi');
  await officer.getByLabel('Tệp (DOCX hoặc PDF)').setInputFiles({ name: 'ban-ky.pdf', mimeType: 'application/pdf', buffer: pdf('03/2020/QD-UBND') });
  await Promise.all([officer.waitForURL((u) => !u.pathname.endsWith('/tep/moi')), officer.getByRole('button', { name: 'Tải lên và lưu tệp' }).click()]);
  const admin = people.admin.page;
  await admin.goto('/documents/31');
  const href = await admin.locator('a[href^="/admin/files/"]').first().getAttribute('href');
  made.file = href.split('/')[3];
  await admin.goto('/procedures/1.001193/mau-don/moi');
  await admin.getByLabel('Tệp (DOCX hoặc PDF)').setInputFiles({ name: 'to-khai.pdf', mimeType: 'application/pdf', buffer: pdf('To khai') });
  await Promise.all([admin.waitForURL((u) => !u.pathname.endsWith('/mau-don/moi')), admin.getByRole('button', { name: 'Tải lên và lưu mẫu đơn' }).click()]);
  const formHref = await admin.locator('a[href^="/admin/procedure-forms/"]').first().getAttribute('href');
  made.form = formHref.split('/')[3];

  const inspector = people.inspector.page;
  await inspector.goto('/units/32152/inspections/new');
  await inspector.locator('#f-1').selectOption({ index: 1 });
  await Promise.all([inspector.waitForURL(/\/inspections\/\d+/), inspector.getByRole('button', { name: 'Ghi biên bản', exact: true }).click()]);
  made.inspection = new URL(inspector.url()).pathname.split('/').pop();
  return made;
}

test('10. every page fits 390 and 1366 px, shows results first on a phone and has no serious axe finding', async () => {
  const people = {};
  for (const role of ROLES) {
    const p = await person(browser, server, 'pages', role);
    open.push(p.context);
    if (role !== 'anonymous') await login(p, USERS[role]);
    people[role] = p;
  }
  const made = await makeRecords(people);
  const dir = path.join(ARTEFACTS, 'pages');
  mkdirSync(dir, { recursive: true });

  const problems = [];
  const seen = new Set();
  let checked = 0;
  const time = { load: 0, measure: 0, shot: 0, axe: 0 };
  const clock = async (k, f) => {
    const t = Date.now();
    const v = await f();
    time[k] += Date.now() - t;
    return v;
  };
  for (const [route, list] of Object.entries(FIXTURES)) {
    for (const a of list) {
      const address = a.path.replace(/\$(\w+)/g, (_, k) => made[k]);
      const { page } = people[a.as];
      await page.setViewportSize(PHONE);
      const r = await clock('load', () => page.goto(address));
      const at = `${address} (${route}, ${a.as})`;
      if (r.status() !== (a.status || 200)) {
        problems.push(`${at}: answered ${r.status()}, expected ${a.status || 200}`);
        continue;
      }
      const type = r.headers()['content-type'] || '';
      if (!type.startsWith('text/html')) {
        problems.push(`${at}: answered ${type}, not a page`);
        continue;
      }
      // Two addresses landing on one page (a redirect to the canonical address): checked once.
      const key = `${a.as} ${page.url()}`;
      if (seen.has(key)) continue;
      seen.add(key);
      checked += 1;
      const file = `${a.as}-${new URL(page.url()).pathname.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'home'}${new URL(page.url()).search ? `-${checked}` : ''}`;
      for (const size of [PHONE, DESKTOP]) {
        if (size !== PHONE) await page.setViewportSize(size);
        const w = `${at} at ${size.width} px`;
        const m = await clock('measure', () => page.evaluate(measure, a.results ? FIRST : null));
        // The whole page, down to 6,000 px (a long law or the API's description would take long).
        const clip = { x: 0, y: 0, width: size.width, height: Math.min(m.scrollHeight, 6000) };
        await clock('shot', () => page.screenshot({ path: path.join(dir, `${size.width}-${file}.png`), fullPage: true, clip, timeout: 60_000 }));
        if (m.scrollWidth > m.viewport) problems.push(`${w}: the page is ${m.scrollWidth} px wide${m.widest.length ? `; furthest right: ${m.widest.join(', ')}` : ''}`);
        if (m.overCount > 0) problems.push(`${w}: ${m.overCount} elements past the edge outside a scrollable container: ${m.over.join(', ')}`);
        if (m.hidden.length > 0) problems.push(`${w}: overflow-x hidden on ${m.hidden.join(', ')}`);
        if (size === PHONE && m.headerHeight > 120) problems.push(`${w}: the header and menu are ${Math.round(m.headerHeight)} px tall`);
        if (size === PHONE && a.results) {
          if (m.firstTop === null) problems.push(`${w}: no result and no «no result» message (${FIRST})`);
          else if (m.firstTop >= PHONE.height) problems.push(`${w}: the first result (${m.firstName}) starts at ${Math.round(m.firstTop)} px`);
        }
        for (const f of await clock('axe', () => axeFindings(page))) problems.push(`${w}: axe ${f}`);
      }
    }
  }
  // An error page expected (404) is logged by the browser as a failed load: not a problem.
  const expected = new Set(Object.values(FIXTURES).flat().filter((a) => a.status).map((a) => new URL(a.path, server.origin).href));
  const logged = (line) => [...expected].some((u) => line.startsWith(`console error on ${u}: Failed to load resource: the server responded with a status of`));
  for (const p of Object.values(people)) problems.push(...p.problems.filter((line) => !logged(line)));
  const secs = Object.entries(time).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ');
  console.log(`checked ${checked} pages at 390 and 1366 px (${secs})`);
  assert.ok(checked >= Object.keys(FIXTURES).length - 2, `only ${checked} pages checked`);
  assert.deepEqual(problems, [], `${problems.length} problems:\n${problems.join('\n')}`);

  // The folded menu opens from the keyboard on a phone.
  const { page } = people.admin;
  await page.setViewportSize(PHONE);
  await page.goto('/');
  await page.locator('summary.nav-toggle').focus();
  await page.keyboard.press('Enter');
  assert.ok(await page.getByRole('link', { name: 'Rà soát', exact: true }).isVisible(), 'the menu did not open with Enter');
});
