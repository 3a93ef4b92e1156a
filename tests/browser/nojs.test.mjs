// Check 3: JavaScript disabled. Every page loads (on the demo server, signing in as the
// demo administrator through /connexion, without JavaScript, for the pages of a signed-in
// person); the filter form works by submitting it; pagination links work; a product page
// shows its phases.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DESKTOP, MOBILE, SERVERS, accountOf, closeBrowser, launch, open, pagesOf, requireServer, serverTestOptions, signInAsDemo } from './helpers.mjs';

let browser;
let context;

before(async () => {
  browser = await launch();
  context = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
});

after(async () => {
  await closeBrowser(browser);
});

const NOJS = { js: false };

const rows = (page) =>
  page.$$eval('main table tbody tr', (trs) =>
    trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.innerText.trim())),
  );

for (const server of SERVERS) {
  describe(`sans JavaScript — serveur ${server.name}`, serverTestOptions(server), () => {
    test('every page loads, with its title and heading', async (t) => {
      requireServer(server);
      // A context of its own: the session opened here is not the other tests'.
      const own = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
      const page = await own.newPage();
      try {
        let signedInAs = null;
        for (const [template, path, status, needsSignIn] of await pagesOf(server)) {
          const account = accountOf(needsSignIn);
          if (account && account !== signedInAs) {
            await t.test(`sign in as the demo account ${account} (/connexion, without JavaScript)`, async () => {
              await page.context().clearCookies();
              await signInAsDemo(page, server.url, account);
            });
            signedInAs = account;
          }
          await t.test(`${template} ${path}`, async () => {
            await open(page, server.url + path, status, NOJS);
            assert.match(await page.title(), /Pilote/);
            assert.ok((await page.locator('main h1').innerText()).trim().length > 0, 'a non-empty <h1> in <main>');
            assert.equal(await page.locator('html').getAttribute('data-fr-js'), null, 'the DSFR script did not run');
          });
        }
      } finally {
        await own.close();
      }
    });

    test('the filter form works by submitting it ("Filtrer")', async () => {
      requireServer(server);
      const page = await context.newPage();
      try {
        await open(page, `${server.url}/produits`, 200, NOJS);
        const before = await rows(page);
        await page.selectOption('#f-phase', 'construction');
        await Promise.all([
          page.waitForURL(/[?&]phase=construction(&|$)/),
          page.getByRole('button', { name: 'Filtrer', exact: true }).click(),
        ]);
        const after = await rows(page);
        assert.ok(after.length > 0, 'some products are in construction');
        assert.notDeepEqual(after, before, 'the results changed');
        assert.ok(after.every((r) => r[1] === 'Construction'), `every row is in construction: ${after.map((r) => r[1])}`);
        assert.equal(await page.$eval('#f-phase', (s) => s.value), 'construction', 'the form shows the active filter');

        // "Effacer les filtres" goes back to the whole list.
        await page.getByRole('link', { name: 'Effacer les filtres' }).click();
        await page.waitForURL(/\/produits$/);
        assert.deepEqual(await rows(page), before);
      } finally {
        await page.close();
      }
    });

    test('the pagination links work', async (t) => {
      requireServer(server);
      const page = await context.newPage();
      try {
        await open(page, `${server.url}/produits`, 200, NOJS);
        const next = page.locator('nav.fr-pagination a.fr-pagination__link--next[href]');
        if ((await next.count()) === 0) {
          const count = await page.locator('main [role="status"]').innerText();
          t.skip(`no second page on this server (${count.replace(/\s+/g, ' ')}, 20 a page): pagination is tested on the real network, when its data is present`);
          return;
        }
        const page1 = await rows(page);
        assert.match(await page.locator('main table caption').innerText(), /page 1\b/);
        await Promise.all([page.waitForURL(/[?&]page=2(&|$)/), next.click()]);
        const page2 = await rows(page);
        assert.match(await page.locator('main table caption').innerText(), /page 2\b/);
        assert.ok(page2.length > 0, 'page 2 has rows');
        assert.notDeepEqual(page2, page1, 'page 2 differs from page 1');
        assert.equal(
          await page.locator('nav.fr-pagination [aria-current="page"]').innerText(),
          '2',
          'the pagination marks page 2 as current',
        );

        // Back with "Page précédente".
        await Promise.all([
          page.waitForURL((url) => !/[?&]page=2(&|$)/.test(url.search)),
          page.locator('nav.fr-pagination a.fr-pagination__link--prev[href]').click(),
        ]);
        assert.deepEqual(await rows(page), page1);

        // The last page link, when there is one.
        const links = page.locator('nav.fr-pagination a.fr-pagination__link[href][title^="Page "]');
        const last = links.last();
        const title = await last.getAttribute('title');
        await Promise.all([page.waitForURL(/[?&]page=\d+/), last.click()]);
        assert.equal(`Page ${await page.locator('nav.fr-pagination [aria-current="page"]').innerText()}`, title);
        assert.ok((await rows(page)).length > 0, 'the last page has rows');

        // A filtered list keeps its filter from page to page.
        await page.goto(`${server.url}/produits?phase=construction`);
        const filteredNext = page.locator('nav.fr-pagination a.fr-pagination__link--next[href]');
        if ((await filteredNext.count()) > 0) {
          await Promise.all([page.waitForURL(/[?&]page=2(&|$)/), filteredNext.click()]);
          assert.match(page.url(), /[?&]phase=construction(&|$)/, 'the filter is kept on page 2');
          const phases = (await rows(page)).map((r) => r[1]);
          assert.ok(phases.length > 0 && phases.every((p) => p === 'Construction'), `page 2 is filtered: ${phases}`);
        }
      } finally {
        await page.close();
      }
    });

    test('a product page shows its phases', async () => {
      requireServer(server);
      const page = await context.newPage();
      try {
        await open(page, `${server.url}/produits/${server.slugs.product}`, 200, NOJS);
        await page.getByRole('heading', { name: 'Phases', exact: true }).waitFor();
        const phases = await page.$$eval('main ol.pilote-timeline > li', (lis) => lis.map((li) => li.innerText.trim()));
        assert.ok(phases.length > 0, 'at least one phase');
        for (const phase of phases) assert.match(phase, /depuis le \d{4}-\d{2}-\d{2}/, `a dated phase: ${phase}`);
      } finally {
        await page.close();
      }
    });

    // Without JavaScript the DSFR "Menu" button cannot open; the footer repeats the sections.
    test(
      'mobile (375 px): every main section can be reached from the footer',
      async () => {
        requireServer(server);
        const mobile = await browser.newContext({ viewport: MOBILE, javaScriptEnabled: false });
        try {
          const page = await mobile.newPage();
          await open(page, `${server.url}/`, 200, NOJS);
          for (const href of ['/produits', '/incubateurs', '/organisations', '/membres', '/equipes']) {
            assert.ok(
              await page.locator(`footer a[href="${href}"]`).isVisible(),
              `the footer link to ${href} is visible without JavaScript at 375 px`,
            );
          }
        } finally {
          await mobile.close();
        }
      },
    );
  });
}
