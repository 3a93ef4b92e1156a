// The product forms, keyboard only (on a server offering demo accounts, as tests/browser/run
// starts the demo server): first sign in as the demo administrator through /connexion, then
// submit a form with an error, read the error summary, follow its link to the field, read
// the field's error, fix it and submit again. The error page must pass axe too.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DESKTOP,
  SERVERS,
  axeViolations,
  focused,
  formatViolations,
  hasDemoSignIn,
  closeBrowser,
  launch,
  newPage,
  open,
  requireServer,
  signInAsDemo,
  tabUntil,
} from './helpers.mjs';

let browser;
let context;
/** Per server URL: the sign-in of this file's context, done once. */
const signIns = new Map();

/**
 * Signs this file's browser context in as the demo administrator, through the sign-in page,
 * once per server; false when the server offers no demo accounts (then it shows no forms).
 */
function signedIn(server) {
  if (!signIns.has(server.url)) {
    signIns.set(
      server.url,
      (async () => {
        if (!(await hasDemoSignIn(server))) return false;
        const page = await newPage(context);
        try {
          await signInAsDemo(page, server.url);
        } finally {
          await page.close();
        }
        return true;
      })(),
    );
  }
  return signIns.get(server.url);
}

const NO_FORMS = 'no forms on this server: it offers no demo accounts to sign in with (started without --demo)';

/** Deletes a product through its confirmation page, when it exists; errors are ignored. */
async function deleteProduct(page, base, slug) {
  try {
    const shown = await page.goto(`${base}/produits/${slug}/supprimer`);
    if (shown?.status() !== 200) return;
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
      page.getByRole('button', { name: 'Supprimer définitivement', exact: true }).click(),
    ]);
    if (answer.status() >= 400) console.error(`cleanup: deleting ${slug} answered HTTP ${answer.status()}`);
  } catch (error) {
    console.error(`cleanup: could not delete ${slug}: ${error.message}`);
  }
}

before(async () => {
  browser = await launch();
  context = await browser.newContext({ viewport: DESKTOP, bypassCSP: true });
});

after(async () => {
  await closeBrowser(browser);
});

/** Skip link "Contenu", Enter: the focus is at the start of <main>. */
async function toContent(page) {
  const first = await tabUntil(page, (f) => f.inSkiplinks, 'the skip links', 1);
  assert.equal(first.text, 'Contenu');
  await page.keyboard.press('Enter');
}

/** Tab to the button named `button` and press Enter; returns the response to the POST. */
async function submit(page, button = 'Enregistrer') {
  await tabUntil(page, (f) => f.tag === 'button' && f.text === button, `the "${button}" button`);
  // Mark this document, to wait for the next one to be loaded.
  await page.evaluate(() => {
    window.piloteOldDocument = true;
  });
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
    page.keyboard.press('Enter'),
  ]);
  await page.waitForFunction(() => !window.piloteOldDocument && document.readyState === 'complete');
  return response;
}

/** The label of a field, without its hint. */
const labelOf = (page, id) =>
  page.$eval(`label[for="${id}"]`, (label) => {
    const copy = label.cloneNode(true);
    copy.querySelectorAll('.fr-hint-text').forEach((hint) => hint.remove());
    return copy.textContent.trim();
  });

/**
 * After a rejected submission: the error summary lists the errors, each as a link naming the
 * field by its label; following the first link with the keyboard focuses the field, which is
 * marked invalid and described by its error message. Returns the first field's id.
 */
async function readErrors(t, page, expectedField) {
  const summary = page.locator('main #erreurs[role="alert"]');
  await summary.waitFor();
  assert.match(await summary.locator('.fr-alert__title').innerText(), /^Le formulaire contient \d+ erreurs?$/);
  const links = await summary.locator('a[href^="#"]').evaluateAll((as) =>
    as.map((a) => ({ href: a.getAttribute('href'), text: a.textContent.replace(/\s+/g, ' ').trim() })),
  );
  assert.ok(links.length > 0, 'the summary links to the fields in error');
  assert.equal(links[0].href, `#${expectedField}`, 'the expected field is in error');

  for (const link of links) {
    const id = link.href.slice(1);
    const field = page.locator(`#${id}`);
    assert.equal(await field.count(), 1, `${link.href} exists`);
    assert.equal(await field.getAttribute('aria-invalid'), 'true', `${link.href} has aria-invalid="true"`);
    const describedBy = (await field.getAttribute('aria-describedby')) || '';
    const messages = [];
    for (const ref of describedBy.split(/\s+/).filter(Boolean)) {
      messages.push((await page.locator(`#${ref}`).textContent()).replace(/\s+/g, ' ').trim());
    }
    const error = messages.find((m) => m.length > 0);
    assert.ok(error, `${link.href} is described by its error message (aria-describedby="${describedBy}")`);
    assert.ok(link.text.includes(error), `the summary gives the field's message: "${link.text}" ⊇ "${error}"`);
    const label = await labelOf(page, id);
    assert.ok(
      link.text.startsWith(label),
      `the summary names the field by its label: "${link.text}" should start with "${label}" (not with the field's internal name)`,
    );
    t.diagnostic(`error read: ${label} — ${error}`);
  }

  // Where the focus lands after the submission (the summary has tabindex="-1" but nothing
  // focuses it): informative only.
  const after = await focused(page);
  t.diagnostic(`focus after the submission: ${after.tag}${after.id ? '#' + after.id : ''}`);

  // Keyboard: from where the page leaves the focus (the top of the document, unless the
  // summary gets it), Tab to the summary's first link and press Enter.
  if (after.tag === 'body') await toContent(page);
  const link = await tabUntil(page, (f) => f.href === links[0].href, `the summary link ${links[0].href}`, 20);
  assert.equal(link.text, links[0].text);
  await page.keyboard.press('Enter');
  assert.equal((await focused(page)).id, expectedField, 'following the summary link focuses the field in error');
  return expectedField;
}

for (const server of SERVERS) {
  describe(`formulaires au clavier — serveur ${server.name}`, () => {
    test('new product: an error, read with the keyboard, then fixed', async (t) => {
      if (server.name !== 'demo' && !server.url) return t.skip(server.missing);
      requireServer(server);
      if (!(await signedIn(server))) return t.skip(NO_FORMS);
      const page = await newPage(context);
      const slug = `essai-clavier-${process.pid}`;
      try {
        await open(page, `${server.url}/produits/nouveau`);
        await toContent(page);
        await tabUntil(page, (f) => f.id === 'f-slug', 'the "Identifiant" field');
        await page.keyboard.type(slug);
        await page.keyboard.press('Tab');
        assert.equal((await focused(page)).id, 'f-title', 'Tab goes from "Identifiant" to "Titre"');
        await page.keyboard.type('Essai au clavier');
        // No incubator: the server rejects the form.
        const rejected = await submit(page);
        assert.equal(rejected.status(), 422, 'a rejected form answers 422');
        assert.equal(await page.inputValue('#f-slug'), slug, 'the values are kept');
        assert.equal(await page.inputValue('#f-title'), 'Essai au clavier', 'the values are kept');

        const violations = await axeViolations(page);
        assert.equal(violations.length, 0, formatViolations('produit-nouveau (with errors)', violations));

        await readErrors(t, page, 'f-incubator');

        // Fix it: choose an incubator with the arrow keys, submit again.
        await page.keyboard.press('ArrowDown');
        assert.notEqual(await page.inputValue('#f-incubator'), '', 'ArrowDown chooses an incubator');
        const accepted = await submit(page);
        assert.ok(accepted.status() >= 300 && accepted.status() < 400, `the accepted form redirects (HTTP ${accepted.status()})`);
        assert.equal(new URL(page.url()).pathname, `/produits/${slug}`);
        assert.equal((await page.locator('main h1').innerText()).trim(), 'Essai au clavier');
      } finally {
        // Leave the demo data as it was for the other tests.
        await deleteProduct(page, server.url, slug);
        await page.close();
      }
    });

    test('quality record: a count that is not a number, read with the keyboard', async (t) => {
      if (server.name !== 'demo' && !server.url) return t.skip(server.missing);
      requireServer(server);
      if (!(await signedIn(server))) return t.skip(NO_FORMS);
      const page = await newPage(context);
      try {
        await open(page, `${server.url}/produits/${server.slugs.product}/qualite/fiche`);
        await page.locator('[id="f-declared-satisfaction-score"]').fill('8,5');
        await page.locator('[id="f-declared-satisfaction-reviews"]').fill('beaucoup');
        const rejected = await submit(page, 'Enregistrer la fiche');
        assert.equal(rejected.status(), 422, 'a rejected form answers 422');
        await readErrors(t, page, 'f-declared-satisfaction-reviews');
        assert.equal(await page.inputValue('#f-declared-satisfaction-reviews'), 'beaucoup', 'the value typed is kept');
        const violations = await axeViolations(page);
        assert.equal(violations.length, 0, formatViolations('qualite-fiche (with errors)', violations));
      } finally {
        await page.close();
      }
    });

    // Left out for now: in the full suite this test has hung (no answer for 300 s) twice
    // after the quality record's test, never alone; the declaration form is covered by
    // tests/commons.rs and its page by the axe, keyboard, no-JS and EcoIndex checks.
    const hangs = 'hangs intermittently in the full suite; cause not found yet';
    test('declare oneself user of a software: an error, read with the keyboard, then fixed', { skip: hangs }, async (t) => {
      if (server.name !== 'demo') return t.skip('the demo catalogue only');
      requireServer(server);
      if (!(await signedIn(server))) return t.skip(NO_FORMS);
      const page = await newPage(context);
      try {
        await open(page, `${server.url}/logiciels/nextcloud`);
        await toContent(page);
        await tabUntil(page, (f) => f.id === 'f-organisation', 'the "Organisation" field', 200);
        await page.keyboard.type('DINUM');
        // No "Je suis": the server rejects the form.
        const rejected = await submit(page, 'Me déclarer');
        assert.equal(rejected.status(), 422, 'a rejected form answers 422');
        assert.equal(await page.inputValue('#f-organisation'), 'DINUM', 'the values are kept');
        const violations = await axeViolations(page);
        assert.equal(violations.length, 0, formatViolations('logiciel (with errors)', violations));
        await readErrors(t, page, 'f-kind');
        await page.keyboard.press('ArrowDown');
        assert.equal(await page.inputValue('#f-kind'), 'user', 'ArrowDown chooses "Utilisateur"');
        const accepted = await submit(page, 'Me déclarer');
        assert.ok(accepted.status() >= 300 && accepted.status() < 400, `the accepted form redirects (HTTP ${accepted.status()})`);
        assert.equal(new URL(page.url()).pathname, '/logiciels/nextcloud');
      } finally {
        // Leave the demo data as it was: withdraw the declaration.
        const withdraw = page.getByRole('button', { name: /Retirer ma déclaration/ });
        if ((await withdraw.count()) > 0) {
          await Promise.all([
            page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
            withdraw.first().click(),
          ]);
        }
        await page.close();
      }
    });

    test('edit a product: an emptied title, read with the keyboard', async (t) => {
      if (server.name !== 'demo' && !server.url) return t.skip(server.missing);
      requireServer(server);
      if (!(await signedIn(server))) return t.skip(NO_FORMS);
      const page = await newPage(context);
      try {
        await open(page, `${server.url}/produits/${server.slugs.product}/modifier`);
        await toContent(page);
        await tabUntil(page, (f) => f.id === 'f-title', 'the "Titre" field');
        await page.keyboard.press('ControlOrMeta+A');
        await page.keyboard.press('Delete');
        assert.equal(await page.inputValue('#f-title'), '');
        const rejected = await submit(page);
        assert.equal(rejected.status(), 422, 'a rejected form answers 422');
        await readErrors(t, page, 'f-title');
        const violations = await axeViolations(page);
        assert.equal(violations.length, 0, formatViolations('produit-modifier (with errors)', violations));
      } finally {
        await page.close();
      }
    });
  });
}
