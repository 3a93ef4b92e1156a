// Check 2: keyboard only. The skip links come first; on /produits the phase filter, the
// "Filtrer" button and the first product link are reached and used with Tab, arrows and
// Enter alone.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DESKTOP, SERVERS, focused, closeBrowser, launch, open, requireServer, serverTestOptions, tabUntil } from './helpers.mjs';

const SKIP_LINKS = [
  ['Contenu', '#contenu'],
  ['Menu', '#navigation-principale'],
  ['Recherche', '#recherche'],
  ['Pied de page', '#pied-de-page'],
];

let browser;
let context;

before(async () => {
  browser = await launch();
  context = await browser.newContext({ viewport: DESKTOP });
});

after(async () => {
  await closeBrowser(browser);
});

/** The product links of the results table, in order. */
const productLinks = (page) =>
  page.$$eval('main table tbody a[href^="/produits/"]', (links) => links.map((a) => a.getAttribute('href')));

for (const server of SERVERS) {
  describe(`clavier seul — serveur ${server.name}`, serverTestOptions(server), () => {
    test('the skip links are the first focusable elements, and their targets exist', async () => {
      requireServer(server);
      const page = await context.newPage();
      try {
        for (const path of ['/', '/produits']) {
          await open(page, server.url + path);
          for (const [text, href] of SKIP_LINKS) {
            await page.keyboard.press('Tab');
            const f = await focused(page);
            assert.ok(f.inSkiplinks, `${path}: Tab stop should be the skip link "${text}", got ${JSON.stringify(f)}`);
            assert.equal(f.text, text, `${path}: skip link order`);
            assert.equal(f.href, href, `${path}: skip link "${text}" target`);
            assert.ok(f.visible, `${path}: skip link "${text}" must be visible when focused`);
            assert.equal(await page.locator(href).count(), 1, `${path}: target ${href} of "${text}" exists`);
          }
        }
      } finally {
        await page.close();
      }
    });

    test('/produits: filter by phase, then open the first product, with the keyboard only', async () => {
      requireServer(server);
      const page = await context.newPage();
      try {
        await open(page, `${server.url}/produits`);
        const before = await productLinks(page);
        const statusBefore = await page.locator('main [role="status"]').innerText();

        // Skip link "Contenu" first, then Tab to the phase select.
        const first = await tabUntil(page, (f) => f.inSkiplinks, 'the skip links', 1);
        assert.equal(first.text, 'Contenu');
        await page.keyboard.press('Enter');
        await tabUntil(page, (f) => f.id === 'f-phase', 'the phase select (#f-phase)');

        // Choose "Construction" with the arrow keys on the focused select.
        for (let i = 0; i < 12; i++) {
          if ((await page.$eval('#f-phase', (s) => s.value)) === 'construction') break;
          await page.keyboard.press('ArrowDown');
        }
        assert.equal(await page.$eval('#f-phase', (s) => s.value), 'construction', 'ArrowDown reaches "Construction"');
        assert.equal((await focused(page)).id, 'f-phase', 'focus stays on the select');

        // Tab to "Filtrer", press Enter: the form is submitted.
        await tabUntil(page, (f) => f.tag === 'button' && f.text === 'Filtrer', 'the "Filtrer" button', 20);
        await Promise.all([page.waitForURL(/[?&]phase=construction(&|$)/), page.keyboard.press('Enter')]);
        await page.waitForLoadState('load');
        assert.match(page.url(), /[?&]phase=construction(&|$)/);

        const after = await productLinks(page);
        assert.ok(after.length > 0, 'some products are in construction');
        assert.notDeepEqual(after, before, 'the results changed');
        assert.notEqual(await page.locator('main [role="status"]').innerText(), statusBefore, 'the count changed');
        const phases = await page.$$eval('main table tbody tr td:nth-of-type(1)', (tds) => tds.map((td) => td.innerText.trim()));
        assert.ok(phases.every((p) => p === 'Construction'), `every row is in construction: ${phases}`);
        assert.equal(await page.$eval('#f-phase', (s) => s.value), 'construction', 'the filter keeps its value');

        // Tab to the first product link and follow it with Enter.
        await tabUntil(page, (f) => f.inSkiplinks, 'the skip links', 1);
        await page.keyboard.press('Enter');
        const link = await tabUntil(page, (f) => f.inTableBody && /^\/produits\/[^/?]+$/.test(f.href || ''), 'the first product link');
        assert.equal(link.href, after[0], 'the first product link of the results is reached first');
        await Promise.all([page.waitForURL(`**${link.href}`), page.keyboard.press('Enter')]);
        assert.equal(new URL(page.url()).pathname, link.href);
        assert.equal((await page.locator('main h1').innerText()).trim(), link.text, 'the product page shows that product');
      } finally {
        await page.close();
      }
    });
  });
}
