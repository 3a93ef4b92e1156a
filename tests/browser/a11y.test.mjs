// Check 1: axe-core (WCAG 2.0/2.1, levels A and AA) on every page template, on both
// servers, at desktop (1280 px) and mobile (375 px) widths. Zero violations allowed.
// The sign-in page is among them; on the demo server the test then signs in as the demo
// administrator through that page and checks what a signed-in person sees (the forms, the
// account page, the administration of accounts), and the account page in each state of its
// API tokens.
// At the mobile width, also WCAG 1.4.10 (reflow), which axe does not check: no sideways
// scrolling of the page (tables excepted).
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  OUT,
  SERVERS,
  VIEWPORTS,
  axeViolations,
  formatViolations,
  hasDemoSignIn,
  closeBrowser,
  launch,
  open,
  reflowOverflow,
  accountOf,
  pagesOf,
  requireServer,
  serverTestOptions,
  signInAsDemo,
} from './helpers.mjs';

let browser;
const found = [];

before(async () => {
  browser = await launch();
});

after(async () => {
  await closeBrowser(browser);
  // Every violation found, for the record (tests/browser/out/a11y-violations.json).
  await writeFile(join(OUT, 'a11y-violations.json'), JSON.stringify(found, null, 2) + '\n');
});

/** Where a page is: its path and query. */
function at(page) {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

/**
 * Checks a page: axe, and at the mobile width the reflow. `load` opens it (none: the page
 * as it is now); `path` is the pathname it must be at.
 */
async function checkPage(t, page, server, width, template, path, load) {
  await t.test(`${template} ${path}`, async () => {
    if (load) await load();
    assert.equal(at(page), path, 'the page is loaded');
    const violations = await axeViolations(page);
    const label = `${server.name} ${width} ${template} ${path}`;
    if (violations.length) {
      found.push({ server: server.name, width, template, path, violations });
      console.log(formatViolations(label, violations));
    }
    assert.equal(violations.length, 0, formatViolations(label, violations));
  });
  if (width === 'mobile') {
    await t.test(`${template} ${path}: no sideways scrolling (WCAG 1.4.10)`, async () => {
      assert.equal(at(page), path, 'the page is loaded');
      const overflow = await reflowOverflow(page);
      if (overflow.length) {
        found.push({ server: server.name, width, template, path, reflow: overflow });
      }
      assert.deepEqual(overflow, [], `${server.name} ${width} ${path}: the page scrolls sideways:\n  ${overflow.join('\n  ')}`);
    });
  }
}

/** Submits the form of `button` and waits for the page it answers (with the DSFR started). */
async function submitAndWait(page, button, pathname) {
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && pathname.test(new URL(r.url()).pathname)),
    button.click(),
  ]);
  await page.waitForLoadState('load');
  await page.waitForFunction(() => document.documentElement.dataset.frJs === 'true', null, { timeout: 5000 });
  return answer;
}

for (const server of SERVERS) {
  // Desktop and mobile run side by side (two pages), to keep the suite short.
  describe(`axe WCAG 2.1 AA — serveur ${server.name}`, { ...serverTestOptions(server), concurrency: 2 }, () => {
    for (const [width, viewport] of VIEWPORTS) {
      test(`${width} (${viewport.width} px)`, async (t) => {
        requireServer(server);
        const pages = await pagesOf(server);
        const context = await browser.newContext({ viewport, bypassCSP: true });
        const page = await context.newPage();
        try {
          let signedInAs = null;
          for (const [template, path, status, needsSignIn] of pages) {
            const account = accountOf(needsSignIn);
            if (account && account !== signedInAs) {
              await t.test(`sign in as the demo account ${account} (/connexion)`, async () => {
                await page.context().clearCookies();
                await signInAsDemo(page, server.url, account);
              });
              signedInAs = account;
            }
            await checkPage(t, page, server, width, template, path, () => open(page, server.url + path, status));
          }
        } finally {
          await context.close();
        }
      });
    }
  });

  // The account page in the states of its API tokens: the form with errors, a token just
  // created (shown once), listed while live, then only revoked ones. One width after the
  // other, each revoking its token before the next, so that the last state is seen as it is.
  describe(`axe WCAG 2.1 AA, jetons d’API de /compte — serveur ${server.name}`, serverTestOptions(server), () => {
    for (const [width, viewport] of VIEWPORTS) {
      test(`${width} (${viewport.width} px)`, async (t) => {
        requireServer(server);
        if (!(await hasDemoSignIn(server))) return t.skip('no demo accounts on this server: no account page to check');
        const context = await browser.newContext({ viewport, bypassCSP: true });
        const page = await context.newPage();
        const name = `axe ${width} ${process.pid}`;
        try {
          await signInAsDemo(page, server.url);
          await open(page, `${server.url}/compte`);
          const create = page.getByRole('button', { name: 'Créer le jeton', exact: true });
          if (width === 'mobile') {
            // Token creations are rate limited (5 at once): the errors are checked once.
            const rejected = await submitAndWait(page, create, /^\/compte\/jetons$/);
            assert.equal(rejected.status(), 200, 'an empty form answers the account page with its errors');
            await page.locator('#erreurs').waitFor();
            await checkPage(t, page, server, width, 'compte-jeton-erreurs', '/compte/jetons');
          }
          await page.locator('#f-nom').fill(name);
          await page.locator('label.fr-label', { hasText: 'read' }).first().click();
          const created = await submitAndWait(page, create, /^\/compte\/jetons$/);
          assert.equal(created.status(), 200, 'the token is created');
          await page.locator('#nouveau-jeton').waitFor();
          await checkPage(t, page, server, width, 'compte-jeton-cree', '/compte/jetons');

          await open(page, `${server.url}/compte`);
          await checkPage(t, page, server, width, 'compte-jeton-actif', '/compte');

          const row = page.locator('main table tbody tr', { hasText: name });
          await submitAndWait(page, row.getByRole('button', { name: 'Révoquer', exact: true }), /\/revocation$/);
          await open(page, `${server.url}/compte`);
          assert.match(await row.innerText(), /révoqué/);
          await checkPage(t, page, server, width, 'compte-jeton-revoque', '/compte');
        } finally {
          await context.close();
        }
      });
    }
  });
}
