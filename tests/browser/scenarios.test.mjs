// vanban in a real browser: four scenarios of citizens, officers and inspectors, each step
// screenshotted into the artefact directory (tests/browser/artefacts/ or $VANBAN_ARTEFACTS).
// Every scenario fails on a console error, an uncaught exception, a server error or a request
// that leaves the server's origin (the pages must work with no CDN).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { ARTEFACTS, Server, USERS, launchBrowser, person, login } from './harness.mjs';

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

/** The people of the running scenario. */
let people = [];

/** One person's browser for a scenario; closed at the end, with its problems checked. */
async function as(scenario, who) {
  const p = await person(browser, server, scenario, who);
  open.push(p.context);
  people.push(p);
  return p;
}

function noProblems(...some) {
  const all = some.flatMap((p) => p.problems);
  assert.deepEqual(all, [], `problems seen in the browser:\n${all.join('\n')}`);
}

/**
 * A scenario: on failure each person's page is screenshotted (`…-failure.png`) and the
 * problems seen so far (console errors, server errors…) are added to the error.
 */
function scenario(name, body) {
  test(name, async () => {
    people = [];
    try {
      await body();
    } catch (e) {
      const seen = people.flatMap((p) => p.problems);
      for (const p of people) await p.shot('failure').catch(() => {});
      if (seen.length > 0) e.message += `\nproblems seen in the browser:\n${seen.join('\n')}`;
      throw e;
    }
    noProblems(...people);
  });
}

function isoDate(d) {
  return d.toISOString().slice(0, 10);
}

test('0. the watch on every page catches console errors, exceptions and requests leaving the origin', async () => {
  const p = await person(browser, server, '0-watch', 'self-test');
  open.push(p.context);
  await p.page.goto('/');
  await p.page.evaluate(() => {
    console.error('deliberate console error');
    setTimeout(() => {
      throw new Error('deliberate exception');
    });
  });
  await p.page.evaluate(() => {
    const a = document.createElement('a');
    a.href = 'https://cdn.example/lib.js';
    document.body.append(a);
    a.click();
  });
  await p.page.waitForTimeout(500);
  const seen = p.problems.join('\n');
  assert.match(seen, /console error .*deliberate console error/);
  assert.match(seen, /uncaught exception .*deliberate exception/);
  assert.match(seen, /request leaving the origin .*https:\/\/cdn\.example\/lib\.js/);
});

scenario('1. a citizen searches without diacritics and opens an article', async () => {
  const citizen = await as('1-citizen-search', 'citizen');
  const { page, shot } = citizen;
  await page.goto('/');
  await shot('home');
  const box = page.getByRole('search').getByLabel('Tìm văn bản');
  await box.fill('ho tro nuoi tom');
  await shot('query-typed');
  await Promise.all([page.waitForURL(/\/search\?/), box.press('Enter')]);
  const hits = page.locator('ol.hit-list > li.hit');
  assert.ok((await hits.count()) > 0, 'the search without diacritics found nothing');
  // The folded query matches the text with diacritics and marks it.
  assert.match(await hits.first().innerText(), /nuôi tôm/i);
  assert.ok((await page.locator('ol.hit-list mark').count()) > 0, 'no highlighted words in the snippets');
  await shot('results-documents');

  // Narrow to articles and open the first one (an Điều).
  await page.getByLabel('Tìm trong').selectOption('articles');
  await Promise.all([page.waitForURL(/scope=articles/), page.locator('form.filters').getByRole('button').first().click()]);
  const first = page.locator('ol.hit-list > li.hit .hit-title a').first();
  const title = await first.innerText();
  assert.match(title, /^Điều \d+/);
  await shot('results-articles');
  // The older address leads to the article's stable (ELI) address.
  await Promise.all([page.waitForURL(/\/eli\/vn\/[^/]+\/[^/]+\/\d{4}\/[^/]+\/dieu-\d+/), first.click()]);
  const h1 = await page.locator('h1').innerText();
  assert.equal(h1, title.split(' — ')[0], 'the article page shows the article that was clicked');
  assert.ok(await page.locator('.legal-text .node-dieu').isVisible(), 'the article text is shown');
  assert.match(await page.locator('.status-box').innerText(), /Tình trạng hiệu lực/);
  await shot('article');
  noProblems(citizen);
});

scenario("2. a citizen finds their commune's procedures and prints the posting sheet", async () => {
  const citizen = await as('2-citizen-procedures', 'citizen');
  const { page, shot } = citizen;
  await page.goto('/units/32152');
  await shot('commune');
  const link = page.locator('a[href="/units/32152/procedures"]').first();
  if ((await link.count()) > 0) {
    await Promise.all([page.waitForURL(/\/units\/32152\/procedures/), link.click()]);
  } else {
    const r = await page.goto('/units/32152/procedures');
    assert.equal(r.status(), 200, '/units/32152/procedures does not answer 200');
  }
  await shot('procedures');
  const procedures = page.locator('a[href^="/procedures/"]');
  assert.ok((await procedures.count()) > 0, 'no procedure listed for the commune');
  // The printable posting sheet of the unit, for one field (civil status) if it has one.
  const sheets = page.locator('a[href^="/units/32152/procedures/sheet"]');
  assert.ok((await sheets.count()) > 0, 'no link to the printable posting sheet');
  const civil = sheets.filter({ hasText: 'Hộ tịch' });
  const hasCivil = (await civil.count()) > 0;
  const sheet = hasCivil ? civil.first() : sheets.first();
  await Promise.all([page.waitForURL(/\/units\/32152\/procedures\/sheet/), sheet.click()]);
  await shot('posting-sheet');
  assert.ok((await page.locator('main').innerText()).includes('Hộ tịch') || !hasCivil, 'the sheet is not the one of the field picked');
  assert.ok((await page.locator('main td, main li').count()) > 0, 'the posting sheet is empty');
  await page.emulateMedia({ media: 'print' });
  await shot('posting-sheet-print');
  await page.pdf({ path: path.join(citizen.dir, 'posting-sheet.pdf'), format: 'A4', printBackground: true });
  await page.emulateMedia({ media: 'screen' });
  noProblems(citizen);
});

scenario('3. an officer proposes a review decision and an approver approves it', async () => {
  const officer = await as('3-review', 'officer');
  const { page } = officer;
  await login(officer, USERS.officer);

  // Create a campaign over the commune's documents, then start it.
  await page.goto('/campaigns');
  await officer.shot('campaigns');
  const name = 'Rà soát thường xuyên văn bản xã Đầm Dơi (kiểm thử trình duyệt)';
  await page.getByLabel('Tên đợt').fill(name);
  const deadline = new Date(Date.now() + 60 * 24 * 3600 * 1000);
  await page.getByLabel('Thời hạn').fill(isoDate(deadline));
  // The authorities are checkboxes; the filter box (typed without diacritics) narrows them.
  await page.getByLabel('Lọc danh sách cơ quan').fill('xa dam doi');
  const commune = page.getByRole('checkbox', { name: /^Ủy ban nhân dân xã Đầm Dơi( |$)/ });
  await commune.check();
  assert.equal(await page.locator('#c-authorities-list li:not([hidden])').count() < await page.locator('#c-authorities-list li').count(), true);
  await officer.shot('campaign-form');
  await Promise.all([
    page.waitForURL(/\/campaigns\/\d+$/),
    page.getByRole('button', { name: 'Tạo đợt rà soát' }).click(),
  ]);
  assert.equal(await page.locator('h1').innerText(), name);
  await officer.shot('campaign-created');
  await page.getByRole('button', { name: 'Bắt đầu và cố định danh sách văn bản' }).click();
  await page.waitForLoadState('load');
  await page.waitForSelector('article.review-item');
  const campaignUrl = new URL(page.url()).pathname;
  await officer.shot('campaign-started');

  // Propose "keep" for the first document.
  const item = page.locator('article.review-item').first();
  const heading = await item.locator('h3').innerText();
  await item.locator('summary').first().click();
  await item.getByLabel('Kết quả').selectOption({ index: 0 });
  const kind = await item.getByLabel('Kết quả').locator('option:checked').innerText();
  await item.getByLabel('Lý do').fill('Nội dung còn phù hợp với pháp luật hiện hành.');
  await officer.shot('proposal-form');
  await Promise.all([page.waitForLoadState('load'), item.getByRole('button', { name: 'Gửi đề xuất' }).click()]);
  await page.goto(campaignUrl);
  const proposed = page.locator('article.review-item', { hasText: heading }).first();
  const proposedText = await proposed.innerText();
  assert.match(proposedText, new RegExp(kind));
  assert.doesNotMatch(proposedText, /Đã phê duyệt/);
  // Nobody approves their own proposal: the officer has no approve button.
  assert.equal(await proposed.getByRole('button', { name: 'Phê duyệt' }).count(), 0);
  await officer.shot('proposed');
  noProblems(officer);

  // A second person, the approver, signs in and approves it.
  const approver = await as('3-review', 'approver');
  await login(approver, USERS.approver);
  await approver.page.goto(campaignUrl);
  await approver.shot('campaign');
  const pending = approver.page.locator('article.review-item', { hasText: heading }).first();
  await Promise.all([
    approver.page.waitForLoadState('load'),
    pending.getByRole('button', { name: 'Phê duyệt' }).click(),
  ]);
  // Approving asks for confirmation first: nothing is written until «Xác nhận».
  await approver.shot('confirm');
  await Promise.all([
    approver.page.waitForLoadState('load'),
    approver.page.getByRole('button', { name: 'Xác nhận' }).click(),
  ]);
  await approver.page.goto(campaignUrl);
  const approved = approver.page.locator('article.review-item', { hasText: heading }).first();
  assert.match(await approved.innerText(), /Đã phê duyệt/i);
  assert.equal(await approved.getByRole('button', { name: 'Phê duyệt' }).count(), 0);
  await approver.shot('approved');

  // The officer sees it approved too.
  await page.goto(campaignUrl);
  assert.match(await page.locator('article.review-item', { hasText: heading }).first().innerText(), /Đã phê duyệt/i);
  await officer.shot('seen-approved');
  noProblems(officer, approver);
});

scenario('4. an inspector runs a completeness check and sees the percentage and the gaps', async () => {
  const inspector = await as('4-inspector-completeness', 'inspector');
  const { page, shot } = inspector;
  await login(inspector, USERS.inspector);
  await page.goto('/units/32155');
  await shot('commune');
  await Promise.all([
    page.waitForURL(/\/units\/32155\/completeness/),
    page.getByRole('link', { name: 'kiểm tra niêm yết' }).click(),
  ]);
  await shot('completeness-today');
  await page.getByLabel('Ngày kiểm tra').fill('2026-03-01');
  await Promise.all([page.waitForURL(/date=2026-03-01/), page.getByRole('button', { name: 'Kiểm tra' }).click()]);
  const result = await page.locator('section[aria-labelledby="ket-qua"]').innerText();
  const pct = result.match(/(\d+(?:[.,]\d+)?)%/);
  assert.ok(pct, `no percentage in the result: ${result}`);
  assert.ok(Number(pct[1].replace(',', '.')) < 100, 'the sample commune has deliberate gaps on 2026-03-01');
  await shot('result');
  const gaps = page.locator('section[aria-labelledby="thieu-sot"]');
  const gapRows = gaps.locator('tbody tr');
  assert.ok((await gapRows.count()) > 0, 'no gap listed');
  await gaps.scrollIntoViewIfNeeded();
  await shot('gaps');
  // The printable page.
  await page.emulateMedia({ media: 'print' });
  await shot('print');
  await page.emulateMedia({ media: 'screen' });
  noProblems(inspector);
});


/** Links the crawl leaves alone: downloads (open data, the consolidated text files), feeds, the JSON API. */
const NOT_PAGES = /(format=|\.csv|\.xlsx|\.jsonl|\.docx|\.txt|\/hop-nhat\.|\.atom|\.pdf|^\/api\/|^\/metrics|^\/healthz|^\/readyz|^\/feeds\/)/;

scenario('5. every page an administrator reaches by links loads cleanly', async () => {
  const admin = await as('5-crawl', 'admin');
  const { page } = admin;
  await login(admin, USERS.admin);
  const seen = new Set();
  const queue = ['/'];
  const limit = 80;
  const failed = [];
  while (queue.length > 0 && seen.size < limit) {
    const next = queue.shift();
    if (seen.has(next)) continue;
    seen.add(next);
    const r = await page.goto(next);
    if (!r || r.status() >= 400) failed.push(`${next}: ${r ? r.status() : 'no answer'}`);
    const hrefs = await page.locator('a[href^="/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const h of hrefs) {
      const url = new URL(h, server.origin);
      const key = url.pathname + url.search;
      // One page per path shape: /documents/12 stands for the others.
      if (NOT_PAGES.test(key) || seen.has(key)) continue;
      const shape = url.pathname.replace(/\d+/g, 'N');
      if ([...seen, ...queue].some((k) => new URL(k, server.origin).pathname.replace(/\d+/g, 'N') === shape)) continue;
      queue.push(key);
    }
  }
  await admin.shot('last-page');
  assert.deepEqual(failed, [], `pages that failed:\n${failed.join('\n')}`);
  assert.ok(seen.size >= 20, `only ${seen.size} pages reached`);
  console.log(`crawled ${seen.size} pages: ${[...seen].join(' ')}`);
});

scenario('6. a commune officer marks procedures posted and the completeness percentage changes', async () => {
  // An officer of Tạ An Khương, whose sample postings have a gap: 1.009994 was taken down.
  const user = { name: 'bt-motcua', role: 'officer', scope: ['32155'], password: 'bt-motcua-mat-khau-1' };
  server.addUser(user);
  const officer = await as('6-counter-postings', 'officer');
  const { page, shot } = officer;
  await login(officer, user);
  const percent = async () => {
    const text = await page.locator('section[aria-labelledby="ket-qua"] .stat-number').first().innerText();
    return Number(text.replace('%', '').replace(',', '.'));
  };
  await page.goto('/units/32155/completeness');
  const before = await percent();
  assert.ok(before < 100, `the sample commune has gaps today (${before}%)`);
  await shot('completeness-before');

  // From the completeness page to the checklist.
  await Promise.all([page.waitForURL(/\/units\/32155\/niem-yet$/), page.getByRole('link', { name: 'ghi niêm yết' }).click()]);
  await shot('checklist');
  const notUp = page.locator('tbody tr.row-removed, tbody tr.row-not_posted');
  const count = await notUp.count();
  assert.ok(count > 0, 'the checklist shows procedures not posted');
  for (let i = 0; i < count; i++) await notUp.nth(i).getByRole('checkbox').check();
  // Today, at the one-stop office (the defaults).
  assert.equal(await page.getByLabel('Ngày niêm yết hoặc ngày gỡ').inputValue(), isoDate(new Date(Date.now() + 7 * 3600 * 1000)));
  assert.equal(await page.getByLabel('Nơi niêm yết').inputValue(), 'reception');
  await shot('ticked');
  await Promise.all([
    page.waitForURL(/\/units\/32155\/niem-yet\?saved=\d+/),
    page.getByRole('button', { name: 'Niêm yết các thủ tục đã chọn', exact: true }).click(),
  ]);
  assert.match(await page.locator('.form-notice').innerText(), new RegExp(`Đã ghi ${count} lượt niêm yết`));
  assert.equal(await notUp.count(), 0);
  await shot('posted');

  // The completeness page follows at once.
  await Promise.all([page.waitForURL(/\/units\/32155\/completeness/), page.getByRole('link', { name: 'Xem kết quả kiểm tra niêm yết' }).click()]);
  const after = await percent();
  assert.ok(after > before, `the percentage did not rise: ${before}% → ${after}%`);
  await shot('completeness-after');
  noProblems(officer);
});

/** CRC-32 of a buffer (the zip format's checksum). */
function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A zip archive of stored (uncompressed) entries. */
function zipStored(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, text] of entries) {
    const nameBuf = Buffer.from(name, 'utf8');
    const data = Buffer.from(text, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    locals.push(local, nameBuf, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

/** A DOCX with one paragraph per line of `text`, as a word processor would save it. */
function docxOf(text) {
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const body = text
    .split('\n')
    .map((l) => `<w:p><w:r><w:t xml:space="preserve">${esc(l)}</w:t></w:r></w:p>`)
    .join('');
  const types =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';
  const rels =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>';
  const doc = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}<w:sectPr/></w:body></w:document>`;
  return zipStored([
    ['[Content_Types].xml', types],
    ['_rels/.rels', rels],
    ['word/document.xml', doc],
  ]);
}

scenario('7. an officer enters a signed decision from its DOCX; the one it replaces ends from its date', async () => {
  const { createHash } = await import('node:crypto');
  const officer = await as('7-new-document', 'officer');
  const { page, shot } = officer;
  await login(officer, USERS.officer);
  const text = [
    'ỦY BAN NHÂN DÂN',
    'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
    'XÃ ĐẦM DƠI',
    'Độc lập - Tự do - Hạnh phúc',
    'Số: 07/2026/QĐ-UBND',
    'Đầm Dơi, ngày 02 tháng 11 năm 2026',
    '',
    'QUYẾT ĐỊNH',
    'Ban hành Quy định tổ chức và hoạt động',
    'của Trung tâm Phục vụ hành chính công xã Đầm Dơi',
    '',
    'ỦY BAN NHÂN DÂN XÃ ĐẦM DƠI',
    '',
    'QUYẾT ĐỊNH:',
    '',
    'Điều 1. Ban hành kèm theo Quyết định này Quy định tổ chức và hoạt động của Trung tâm Phục vụ hành chính công xã Đầm Dơi.',
    'Điều 2. Hiệu lực thi hành',
    'Quyết định này có hiệu lực kể từ ngày 12 tháng 11 năm 2026 và thay thế Quyết định số 02/2025/QĐ-UBND ngày 10 tháng 9 năm 2025 của Ủy ban nhân dân xã Đầm Dơi.',
    'Điều 3. Tổ chức thực hiện',
    'Văn phòng Ủy ban nhân dân xã chịu trách nhiệm thi hành Quyết định này./.',
    '',
    'Nơi nhận:',
    '- Lưu: VT.',
    'TM. ỦY BAN NHÂN DÂN',
    'CHỦ TỊCH',
    '(Đã ký)',
    'Nguyễn Văn Bình',
  ].join('\n');
  const docx = docxOf(text);
  const sha = createHash('sha256').update(docx).digest('hex');
  await page.goto('/documents/new');
  await shot('upload-form');
  await page.getByLabel('Tệp văn bản đã ký (DOCX hoặc PDF)').setInputFiles({
    name: 'quyet-dinh-07-2026.docx',
    mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    buffer: docx,
  });
  await Promise.all([page.waitForURL(/\/documents\/new$/), page.getByRole('button', { name: 'Đọc thông tin văn bản' }).click()]);
  // Prefilled, with the line each field came from; the replaced decision resolved.
  assert.equal(await page.getByLabel('Số ký hiệu', { exact: true }).inputValue(), '07/2026/QĐ-UBND');
  assert.equal(await page.getByLabel('Ngày có hiệu lực').inputValue(), '2026-11-12');
  assert.match(await page.locator('#f-authority option:checked').innerText(), /xã Đầm Dơi/);
  assert.ok(await page.getByText('từ dòng 5 của tệp').isVisible());
  const oldId = await page.locator('input[name="e0.target"]:checked').getAttribute('value');
  assert.ok(oldId, 'the replaced decision is chosen');
  await shot('review');
  await Promise.all([page.waitForURL(/\/documents\/new\/confirm$/), page.getByRole('button', { name: 'Xem trước' }).click()]);
  const preview = await page.locator('#preview').innerText();
  assert.match(preview, /02\/2025\/QĐ-UBND/);
  assert.match(preview, /Hết hiệu lực toàn bộ/);
  assert.match(preview, /12\/11\/2026/);
  await shot('preview');
  await Promise.all([page.waitForURL(/\/eli\//), page.getByRole('button', { name: 'Lưu' }).click()]);
  await shot('saved');
  assert.match(await page.locator('h1').innerText(), /07\/2026\/QĐ-UBND|Quy định tổ chức/);
  // The original downloads with the same SHA-256.
  // (Not the «Thêm tệp» link, /documents/{id}/tep/moi, shown to those who may attach.)
  const href = await page.locator('a[href*="/tep/"]:not([href$="/tep/moi"])').first().getAttribute('href');
  assert.ok(href, 'no original listed');
  const file = await page.request.get(href);
  assert.equal(file.status(), 200);
  assert.equal(createHash('sha256').update(await file.body()).digest('hex'), sha);
  // The new document is public; the replaced one ended from its date and not before.
  const anonymous = await as('7-public', 'anonymous');
  const shown = await anonymous.page.goto(new URL(page.url()).pathname);
  assert.equal(shown.status(), 200);
  assert.match(await anonymous.page.locator('main').innerText(), /07\/2026\/QĐ-UBND/);
  await anonymous.shot('public-new');
  await anonymous.page.goto(`/documents/${oldId}`);
  const old = new URL(anonymous.page.url()).pathname;
  assert.match(await anonymous.page.locator('main').innerText(), /Hết hiệu lực toàn bộ/);
  await anonymous.shot('old-ended');
  await anonymous.page.goto(`${old}${old.includes('?') ? '&' : '?'}date=2026-11-11`);
  assert.doesNotMatch(await anonymous.page.locator('main').innerText(), /Hết hiệu lực toàn bộ/);
});
