// Sign-in, as a person does it, in headless Chromium with the server's Content Security
// Policy in force (no CSP bypass: any violation reported by the browser fails the test):
//   - ProConnect, through the local OpenID Connect provider of tests/oidc that
//     tests/browser/run starts (PILOTE_OIDC_URL; skipped without it): sign in at the
//     provider, come back signed in, see the account, sign out through the provider;
//   - a demo account with a limited role (incubator manager): the forms are offered on the
//     products of its incubator only;
//   - an API token created from the account page: shown once, accepted by the API, then
//     revoked and refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DESKTOP,
  SERVERS,
  accountLink,
  hasDemoSignIn,
  closeBrowser,
  launch,
  open,
  requireServer,
  signInAsDemo,
  signOutButton,
} from './helpers.mjs';

const server = SERVERS.find((s) => s.name === 'demo');
const OIDC_URL = (process.env.PILOTE_OIDC_URL || '').replace(/\/+$/, '');

let browser;

before(async () => {
  browser = await launch();
});

after(async () => {
  await closeBrowser(browser);
});

/**
 * A fresh context (no cookies) with one page, which records every Content Security Policy
 * violation the browser reports; `done()` closes it and fails on any violation.
 */
async function freshPage() {
  const context = await browser.newContext({ viewport: DESKTOP });
  const page = await context.newPage();
  const violations = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) {
      violations.push(`${page.url()}: ${message.text()}`);
    }
  });
  return {
    page,
    async done() {
      await context.close();
      assert.deepEqual(violations, [], `the browser reported CSP violations:\n  ${violations.join('\n  ')}`);
    },
  };
}

/** The text of <main>, on one line. */
const mainText = async (page) => (await page.locator('main').innerText()).replace(/\s+/g, ' ');

/** Clicks « Se déconnecter » in the header and waits for the page that says it is done. */
async function signOut(page) {
  await Promise.all([
    page.waitForURL((url) => url.origin === server.url && url.pathname === '/deconnexion/terminee', { timeout: 15_000 }),
    signOutButton(page).click(),
  ]);
  await page.waitForLoadState('load');
  assert.match(await page.locator('main h1').innerText(), /Vous êtes déconnecté/);
  assert.equal(await accountLink(page).count(), 0, 'the header no longer shows the account');
  await page.locator('header').getByRole('link', { name: 'Se connecter', exact: true }).first().waitFor({ state: 'attached' });
}

/** The incubator of a product, from the API. */
async function incubatorOf(slug) {
  const response = await fetch(`${server.url}/api/v1/products/${slug}`, { signal: AbortSignal.timeout(30_000) });
  assert.equal(response.status, 200, `GET /api/v1/products/${slug}`);
  return (await response.json()).incubator;
}

describe('connexion', () => {
  test('ProConnect: sign in at the provider, see the account, sign out through the provider', async (t) => {
    if (!OIDC_URL) {
      return t.skip('PILOTE_OIDC_URL is not set: no OpenID Connect provider to sign in with (tests/browser/run starts one from tests/oidc)');
    }
    requireServer(server);
    // The agent's claims, as the provider releases them: configured in OIDC_ACCOUNTS (as
    // tests/browser/run does), or derived from the login.
    const login = 'camille';
    const configured = JSON.parse(process.env.OIDC_ACCOUNTS || '{}')[login] || {};
    const agent = { email: `${login}@exemple.gouv.fr`, given_name: login, usual_name: 'Agent', ...configured };
    const name = `${agent.given_name} ${agent.usual_name}`;

    const { page, done } = await freshPage();
    try {
      await open(page, `${server.url}/connexion`);
      await Promise.all([
        page.waitForURL((url) => url.origin === OIDC_URL && url.pathname.startsWith('/interaction/')),
        page.getByRole('button', { name: 'S’identifier avec ProConnect', exact: true }).click(),
      ]);
      t.diagnostic(`at the provider: ${new URL(page.url()).pathname}`);

      // The provider's login form (oidc-provider's development form: any password works).
      await page.locator('input[name="login"]').fill(login);
      await page.locator('input[name="password"]').fill('un mot de passe quelconque');
      await Promise.all([
        page.waitForURL((url) => url.origin === server.url, { timeout: 15_000 }),
        page.getByRole('button', { name: 'Sign-in' }).click(),
      ]);
      await page.waitForLoadState('load');
      assert.equal(new URL(page.url()).pathname, '/', 'back on the home page (the default return)');
      assert.equal((await accountLink(page).innerText()).trim(), name, 'the header shows the name from the provider’s claims');
      await signOutButton(page).waitFor();

      // The account page, from the header link.
      await Promise.all([page.waitForURL(`${server.url}/compte`), accountLink(page).click()]);
      await page.waitForLoadState('load');
      assert.equal((await page.locator('main h1').innerText()).trim(), 'Mon compte');
      const account = await mainText(page);
      assert.ok(account.includes(agent.email), `the account page shows the e-mail ${agent.email}: ${account.slice(0, 300)}`);
      assert.ok(account.includes(name), `the account page shows the name ${name}`);

      // Sign out: Pilote, then the provider's end-session page (which submits itself), then
      // back to Pilote.
      const visited = [];
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) visited.push(new URL(frame.url()).origin);
      });
      await signOut(page);
      assert.ok(visited.includes(OIDC_URL), `signing out went through the provider (${visited.join(' → ')})`);

      // The account page is closed now.
      const closed = await page.goto(`${server.url}/compte`);
      assert.equal(closed.status(), 401, '/compte after signing out');
      assert.equal((await page.locator('main h1').innerText()).trim(), 'Connexion requise');
    } finally {
      await done();
    }
  });

  test('demo incubator manager (« Marc Michel »): forms on the incubator’s products only', async (t) => {
    requireServer(server);
    if (!(await hasDemoSignIn(server))) {
      throw new Error('the demo server offers no demo accounts at /connexion (is it started with --demo?)');
    }
    const own = 'eau-claire';
    const other = 'emploi-proche';
    assert.equal(await incubatorOf(own), 'fabrique-demo', `${own} belongs to fabrique-demo`);
    assert.notEqual(await incubatorOf(other), 'fabrique-demo', `${other} belongs to another incubator`);

    const { page, done } = await freshPage();
    try {
      await signInAsDemo(page, server.url, 'responsable-incubateur');
      assert.equal(
        await page.locator('header').getByRole('link', { name: 'Administration', exact: true }).count(),
        0,
        'no « Administration » for an incubator manager',
      );
      const edit = page.locator('main').getByRole('link', { name: 'Modifier', exact: true });

      await open(page, `${server.url}/produits/${own}`);
      assert.equal(await edit.count(), 1, `/produits/${own} (fabrique-demo) offers « Modifier »`);
      assert.equal(await edit.getAttribute('href'), `/produits/${own}/modifier`);

      await open(page, `${server.url}/produits/${other}`);
      assert.equal(await edit.count(), 0, `/produits/${other} (another incubator) offers no « Modifier »`);
      const refused = await page.goto(`${server.url}/produits/${other}/modifier`);
      t.diagnostic(`/produits/${other}/modifier answers HTTP ${refused.status()}`);
      assert.ok([403, 404].includes(refused.status()), `the form of another incubator's product is refused (HTTP ${refused.status()})`);

      await open(page, `${server.url}/produits/${own}`);
      await signOut(page);
      await open(page, `${server.url}/produits/${own}`);
      assert.equal(await edit.count(), 0, 'signed out: no « Modifier »');
    } finally {
      await done();
    }
  });

  test('API token created from /compte: shown once, accepted, then revoked', async (t) => {
    requireServer(server);
    if (!(await hasDemoSignIn(server))) {
      throw new Error('the demo server offers no demo accounts at /connexion (is it started with --demo?)');
    }
    const tokenName = `essai navigateur ${process.pid}`;
    const me = (token) =>
      fetch(`${server.url}/api/v1/me`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' }, signal: AbortSignal.timeout(30_000) });

    const { page, done } = await freshPage();
    try {
      const account = await signInAsDemo(page, server.url, 'administratrice');
      await Promise.all([page.waitForURL(`${server.url}/compte`), accountLink(page).click()]);
      await page.waitForLoadState('load');

      // The creation form.
      await page.getByRole('textbox', { name: /^Nom\b/ }).fill(tokenName);
      await page.locator('label.fr-label', { hasText: 'write:portfolio' }).click();
      assert.ok(await page.getByRole('checkbox', { name: /^write:portfolio/ }).isChecked(), '« write:portfolio » is ticked');
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/compte/jetons'),
        page.getByRole('button', { name: 'Créer le jeton', exact: true }).click(),
      ]);
      await page.waitForLoadState('load');
      assert.equal(answer.status(), 200, `creating the token answers the account page (HTTP ${answer.status()}, now at ${page.url()})`);

      // Shown once.
      const token = (await page.locator('#nouveau-jeton').innerText()).trim();
      assert.match(token, /^pilote_\S{20,}$/, 'the new token is shown');
      t.diagnostic(`token shown: ${token.slice(0, 12)}…`);

      // The API knows who it acts for.
      const accepted = await me(token);
      assert.equal(accepted.status, 200, 'GET /api/v1/me with the token');
      const body = await accepted.json();
      assert.equal(body.name, account.name);
      assert.ok(body.scopes.includes('write:portfolio'), `the token's scopes: ${JSON.stringify(body.scopes)}`);

      // Never shown again.
      await open(page, `${server.url}/compte`);
      assert.equal(await page.locator('#nouveau-jeton').count(), 0, 'no new token on a fresh account page');
      assert.ok(!(await page.content()).includes(token), 'the token is no longer on the page');
      const row = page.locator('main table tbody tr', { hasText: tokenName });
      assert.equal(await row.count(), 1, 'the token is listed by its name');

      // Revoked: the API refuses it.
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && /\/compte\/jetons\/\d+\/revocation$/.test(new URL(r.url()).pathname)),
        row.getByRole('button', { name: 'Révoquer', exact: true }).click(),
      ]);
      await page.waitForLoadState('load');
      assert.match(await row.innerText(), /révoqué/, 'the list marks the token revoked');
      const refused = await me(token);
      await refused.arrayBuffer();
      assert.equal(refused.status, 401, 'GET /api/v1/me with the revoked token');

      await signOut(page);
    } finally {
      await done();
    }
  });
});
