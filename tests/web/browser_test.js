// The search page as a journalist uses it, in Debian's Chromium: search, narrow by speaker, read the quotes,
// open an article. Starts gazette-query --serve on a free loopback port and stops it at the end.
// Usage: node browser_test.js --query GAZETTE_QUERY --db DB --chromium PATH --screenshots DIR
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];

const SEEDS = ['000_b35c598148b0eacd.txt', '003_10b113a26dc81203.txt'];
let passed = 0;
const failures = [];
function check(ok, what) {
  if (ok) {
    passed++;
    console.log(`ok: ${what}`);
  } else {
    failures.push(what);
    console.log(`FAILED: ${what}`);
  }
}

function startServer() {
  return new Promise((resolve, reject) => {
    const server = spawn(args.query, ['--serve', '--listen', '127.0.0.1:0', '--db', args.db],
                         { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${out}`)), 60000);
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/serving (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) {
        clearTimeout(timer);
        resolve({ server, base: m[1] });
      }
    });
    server.on('exit', (code) => reject(new Error(`the server exited with ${code}: ${out}`)));
  });
}

// Every quote whose text has the word shows it in a <mark> (a quote can also match on its context).
async function highlightedWherePresent(page, word) {
  return page.locator('ol.quotes .qhit blockquote').evaluateAll((quotes, w) => quotes.every(
    (q) => !q.textContent.includes(w) || [...q.querySelectorAll('mark')].some((m) => m.textContent.includes(w))), word);
}

async function shot(page, name) {
  const file = path.join(args.screenshots, name);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
}

async function main() {
  const { server, base } = await startServer();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'gazette-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: args.chromium,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
      locale: 'fr-FR',
    });
    const page = context.pages()[0] || (await context.newPage());
    const problems = [];  // script errors and CSP violations would show here
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(String(e)));

    // 1. Type the query into the box on the front page and press Enter.
    await page.goto(`${base}/`);
    check(await page.locator('ol.hits li.hit').count() === 20, 'the front page lists the newest 20 articles');
    await page.fill('input[name=q]', 'Ouchakov sanctions');
    await Promise.all([page.waitForURL(/[?&]q=Ouchakov(\+|%20)sanctions/), page.press('input[name=q]', 'Enter')]);
    const ids = await page.locator('ol.hits li.hit .meta .id').allTextContents();
    check(ids.length === 2 && SEEDS.every((s) => ids.slice(0, 2).includes(s)),
          `the seed articles come first (got ${ids.join(', ')})`);
    check((await page.locator('.summary .count').textContent()) === '2 articles', 'the count says 2 articles');
    check(await page.locator('ol.hits mark', { hasText: 'Youri Ouchakov' }).count() >= 1, 'snippets are highlighted');
    await shot(page, '1-search.png');

    // 2. Click the speaker facet: the filter is added to the query, shown as active and as a chip.
    const facet = page.locator('section.facet[data-facet=speaker] li a:first-child', { hasText: 'Youri Ouchakov' });
    await Promise.all([page.waitForURL(/speaker%3A%22Youri/), facet.click()]);
    check((await page.inputValue('input[name=q]')) === 'Ouchakov sanctions speaker:"Youri Ouchakov"',
          'the facet is added to the query box');
    check(await page.locator('section.facet[data-facet=speaker] li.active', { hasText: 'Youri Ouchakov' }).count() === 1,
          'the facet value is marked active');
    check(await page.locator('.chips .chip', { hasText: 'speaker:"Youri Ouchakov"' }).count() === 1, 'a chip shows the filter');

    // 3. Switch to quotes: the script re-runs the search on the toggle (no submit needed).
    await Promise.all([page.waitForURL(/mode=quotes/), page.click('.mode label:has-text("Citations")')]);
    const speakers = await page.locator('ol.quotes .qhit .who .speaker').allTextContents();
    check(speakers.length >= 1 && speakers.every((s) => s === 'Youri Ouchakov'),
          `quotes are shown with their speaker (${speakers.length}: ${[...new Set(speakers)].join(', ')})`);
    const quotes = await page.locator('ol.quotes .qhit blockquote').allTextContents();
    check(quotes.some((q) => q.includes('Biden a évoqué d’éventuelles mesures de sanctions')),
          'his quote on sanctions in the seed article is shown');
    check(await highlightedWherePresent(page, 'sanctions'), 'the query word is highlighted wherever a quote has it');
    await shot(page, '2-quotes.png');

    // 4. The speaker's own page: all his quotes in date order, then searched.
    await Promise.all([page.waitForURL(/\/speaker\?name=Youri/), page.click('ol.quotes .qhit .who a.speaker')]);
    check((await page.locator('.who-head h1').textContent()) === 'Youri Ouchakov', 'the speaker page is his');
    const all = await page.locator('ol.quotes .qhit').count();
    check(all > 10, `the speaker page lists his quotes (${all})`);
    await shot(page, '3-speaker.png');
    await page.fill('input[name=q]', 'sanctions');
    await Promise.all([page.waitForURL(/q=sanctions/), page.press('input[name=q]', 'Enter')]);
    const about = await page.locator('ol.quotes .qhit').count();
    check(about >= 1 && about < all && await highlightedWherePresent(page, 'sanctions'),
          `what did Ouchakov say about sanctions: ${about} of his ${all} quotes, the word highlighted`);

    // 5. Open the article the quote comes from: entities and quotes are marked, the quote is the target.
    const sanctionsQuote = page.locator('ol.quotes .qhit', { hasText: 'mesures de sanctions' });
    await Promise.all([page.waitForURL(/\/article\?id=/), sanctionsQuote.locator('.meta a').first().click()]);
    check(SEEDS.some((s) => page.url().includes(encodeURIComponent(s))), `an article opens (${page.url()})`);
    check(await page.locator('.text span.q').count() >= 5, 'quotes are marked in the text');
    check(await page.locator('.text a.qs', { hasText: 'Youri Ouchakov' }).count() >= 1, 'the speaker is shown beside the quote');
    check(await page.locator('.text a.e.per', { hasText: 'Biden' }).count() >= 1, 'people are marked and linked');
    check(await page.locator('.text a.e.loc').count() >= 1, 'places are marked and linked');
    const target = await page.evaluate(() => document.querySelector(':target')?.textContent || '');
    check(target.includes('sanctions'), 'the quote opened is the highlighted target');
    await shot(page, '4-article.png');

    // 6. A script in the query is shown as text and does not run.
    await page.goto(`${base}/?q=${encodeURIComponent('<script>window.pwned=1</script>')}`);
    check(await page.evaluate(() => window.pwned === undefined), 'a <script> in the query does not run');
    check((await page.inputValue('input[name=q]')) === '<script>window.pwned=1</script>', 'it is shown as typed');

    check(problems.length === 0, `no script errors or CSP violations (${problems.join(' | ')})`);
  } finally {
    if (context) await context.close();
    server.kill('SIGTERM');
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failures.length} failed`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(`web_browser_test: ${e.stack || e}`);
  process.exit(1);
});
