// Shared helpers for the browser tests: the servers under test, their page templates,
// the Chromium launcher, sign-in as a person does it, axe-core injection and keyboard-focus
// utilities.
//
// The servers are started by tests/browser/run, which exports:
//   PILOTE_DEMO_URL  base URL of a server started with --demo (required); its demo accounts
//                    sign in at /connexion, and only signed-in people see the forms
//   PILOTE_REAL_URL  base URL of a server holding the imported real network (empty: skipped)
//   PILOTE_OIDC_URL  the local OpenID Connect provider the demo server signs in with (empty:
//                    the ProConnect test is skipped)
//   PILOTE_BIN       the pilote binary (used for `pilote ecoindex`)
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const HERE = dirname(fileURLToPath(import.meta.url));
export const OUT = join(HERE, 'out');

export const CHROMIUM = process.env.PILOTE_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const DESKTOP = { width: 1280, height: 800 };
export const MOBILE = { width: 375, height: 812 };
export const VIEWPORTS = [
  ['desktop', DESKTOP],
  ['mobile', MOBILE],
];

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const strip = (url) => (url || '').replace(/\/+$/, '');

/** The servers under test. `url` is empty when the server is absent (tests skip it). */
export const SERVERS = [
  {
    name: 'demo',
    url: strip(process.env.PILOTE_DEMO_URL),
    missing: 'PILOTE_DEMO_URL is not set: run tests/browser/run, which starts the servers',
    slugs: {
      product: 'eau-claire',
      incubator: 'fabrique-demo',
      organisation: 'min-transition',
      member: 'lea.bernard',
      team: 'animation-demo',
      software: 'postgresql',
      // The demo's data catalogue: an open dataset, a restricted one, a restricted API.
      dataset: 'qualite-eau-robinet-demo',
      restrictedDataset: 'beneficiaires-aides-sociales-demo',
      api: 'api-droits-sociaux-demo',
      producer: 'min-transition',
      // The demo's EIG challenge.
      eigChallenge: 'cartobruit',
      // The demo's call for challenges (its retained challenge is number 1) and job offer.
      call: 'eig-demo',
      jobOffer: 'developpeuse-back-end-solidarites',
    },
  },
  {
    name: 'reel',
    url: strip(process.env.PILOTE_REAL_URL),
    missing:
      'real network not tested: PILOTE_REAL_URL is empty (no betagouv data under ' +
      '${PILOTE_SHARED_DATA:-../shared/data}/betagouv)',
    // Members and teams are taken from their list pages (the first link).
    // The real server holds no data catalogue: its data pages are left out.
    slugs: { product: 'a-just', incubator: 'justice', organisation: 'igj', member: null, team: null, software: 'libreoffice' },
  },
];

/** Options for `test()` on a server: the demo server is mandatory, the real one optional. */
export function serverTestOptions(server) {
  if (server.url) return {};
  return server.name === 'demo' ? {} : { skip: server.missing };
}

/** Fails clearly when the mandatory demo server is absent. */
export function requireServer(server) {
  if (!server.url) throw new Error(server.missing);
}

async function firstSlug(base, list) {
  const response = await fetch(`${base}/${list}`, { signal: AbortSignal.timeout(30_000) });
  const html = await response.text();
  const main = html.slice(html.indexOf('<main'));
  const match = main.match(new RegExp(`href="/${list}/([^"?#/]+)"`));
  if (!match) throw new Error(`no link to a page of /${list} on ${base}/${list}`);
  return decodeURIComponent(match[1]);
}

/**
 * Whether the server offers the demo accounts at /connexion (`pilote serve --demo`, as
 * tests/browser/run starts the demo server; the real-network server does not). The forms
 * are shown to the people who sign in with them.
 */
export async function hasDemoSignIn(server) {
  const response = await fetch(`${server.url}/connexion`, { signal: AbortSignal.timeout(30_000) });
  const html = await response.text();
  return response.status === 200 && html.includes('action="/connexion/demo"');
}

/** The demo accounts the tests sign in as: the radio's label, and the name the header shows. */
export const DEMO_ACCOUNTS = {
  administratrice: { label: 'Julie Simon', name: 'Julie Simon' },
  'responsable-incubateur': { label: 'Marc Michel', name: 'Marc Michel' },
  'membre-produit': { label: 'Sarah Durand', name: 'Sarah Durand' },
  'editrice-organisation': { label: 'Élise Fontaine', name: 'Élise Fontaine' },
  'expert-accompagnement': { label: 'Nora Benali', name: 'Nora Benali' },
  'instructrice-donnees': { label: 'Inès Garnier', name: 'Inès Garnier' },
  'jury-appel': { label: 'Paul Lefèvre', name: 'Paul Lefèvre' },
  recruteuse: { label: 'Claire Moreau', name: 'Claire Moreau' },
};

/** The demo account the form tests sign in as. */
export const DEMO_ADMIN = 'administratrice';

/**
 * The demo account a page of `pagesOf` is seen as: its fourth field is `false` (no one),
 * `true` (the administrator) or a demo account's key.
 */
export const accountOf = (signedIn) => (signedIn === true ? DEMO_ADMIN : signedIn || null);

/** The header link to the account page, whose text is the signed-in person's name. */
export const accountLink = (page) => page.locator('header .fr-header__tools-links a[href="/compte"]');

/** The header's « Se déconnecter » button. */
export const signOutButton = (page) =>
  page.locator('header .fr-header__tools-links').getByRole('button', { name: 'Se déconnecter', exact: true });

/**
 * Signs in with a demo account as a person does: opens /connexion, clicks the account's
 * name, presses « Se connecter avec ce compte », and checks the header then shows the name.
 * Works with JavaScript on or off. Sign-in is rate limited per address (10 at once, then 10
 * a minute): when the server answers « Trop de tentatives » (429), waits and tries again,
 * as a person would.
 */
export async function signInAsDemo(page, base, key = DEMO_ADMIN) {
  const account = DEMO_ACCOUNTS[key];
  if (!account) throw new Error(`unknown demo account ${key}`);
  for (let attempt = 1; ; attempt++) {
    const shown = await page.goto(`${base}/connexion`, { waitUntil: 'load' });
    if (shown?.status() !== 200) throw new Error(`${base}/connexion: HTTP ${shown?.status()}`);
    await page.locator('label.fr-label', { hasText: account.label }).first().click();
    const radio = page.getByRole('radio', { name: new RegExp(`^${account.label}`) });
    if (!(await radio.isChecked())) throw new Error(`clicking « ${account.label} » did not choose the ${key} account`);
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/connexion/demo'),
      page.getByRole('button', { name: 'Se connecter avec ce compte', exact: true }).click(),
    ]);
    if (answer.status() === 429 && attempt < 8) {
      console.error(`signing in as ${key}: « Trop de tentatives » (HTTP 429), trying again in 7 s`);
      await page.waitForLoadState('load');
      await new Promise((resolve) => setTimeout(resolve, 7000));
      continue;
    }
    if (answer.status() < 300 || answer.status() >= 400) {
      await page.waitForLoadState('load');
      const text = await page.locator('main').innerText().catch(() => '');
      throw new Error(`signing in as ${key}: HTTP ${answer.status()}, expected a redirection: ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
    }
    await page.waitForURL((url) => url.pathname !== '/connexion/demo' && url.pathname !== '/connexion');
    await page.waitForLoadState('load');
    const shownName = (await accountLink(page).innerText()).trim();
    if (shownName !== account.name) throw new Error(`after signing in as ${key}, the header shows « ${shownName} », expected « ${account.name} »`);
    return account;
  }
}

/**
 * A new page of `context`. Chromium has been seen, rarely, never answering a page's creation
 * under load: each try is bounded, and a try that does not answer is given up for another.
 */
export async function newPage(context, tries = 3, seconds = 20) {
  let lastError;
  for (let attempt = 1; attempt <= tries; attempt += 1) {
    let timer;
    const late = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no page after ${seconds} s (try ${attempt})`)), seconds * 1000);
    });
    const created = context.newPage();
    try {
      return await Promise.race([created, late]);
    } catch (error) {
      lastError = error;
      // A page that arrives after all is closed, not leaked.
      created.then((page) => page.close()).catch(() => {});
    } finally {
      clearTimeout(timer);
    }
  }
  throw lastError;
}

/**
 * The cookies of a demo account's session, signed in once through the sign-in page in a
 * throwaway context, for tests that open many fresh contexts (`newContext({ storageState })`).
 */
export async function demoSessionState(browser, server, key = DEMO_ADMIN) {
  const context = await browser.newContext({ viewport: DESKTOP });
  try {
    await signInAsDemo(await context.newPage(), server.url, key);
    return await context.storageState();
  } finally {
    await context.close();
  }
}

/**
 * The impact forms of a product: its first indicator with a measurement, from the API
 * (null when it has none).
 */
async function impactFormsOf(base, product) {
  const response = await fetch(`${base}/api/v1/products/${product}/indicators`, { signal: AbortSignal.timeout(30_000) });
  if (response.status !== 200) throw new Error(`${base}/api/v1/products/${product}/indicators: HTTP ${response.status}`);
  const { data } = await response.json();
  const indicator = data.find((i) => i.measurements.length > 0);
  if (!indicator) return null;
  return { indicator: indicator.id, measurement: indicator.measurements[0].id };
}

/**
 * Every page template of a server: [template name, path, expected HTTP status, signed in].
 * The pages a signed-in person sees come last, when the server offers demo accounts: they
 * are seen signed in as the demo administrator (DEMO_ADMIN). Missing member/team slugs come
 * from the list pages.
 */
export async function pagesOf(server) {
  const s = { ...server.slugs };
  if (!s.member) s.member = await firstSlug(server.url, 'membres');
  if (!s.team) s.team = await firstSlug(server.url, 'equipes');
  const demo = await hasDemoSignIn(server);
  const impact = demo ? await impactFormsOf(server.url, s.product) : null;
  if (demo && !impact) throw new Error(`${s.product} has no measured indicator: the impact forms cannot be checked`);
  const indicator = impact && `/produits/${s.product}/indicateurs/${impact.indicator}`;
  const measurement = impact && `${indicator}/mesures/${impact.measurement}`;
  const signedIn = demo
    ? [
        // The header of a signed-in person (name, « Administration », « Se déconnecter »)
        // and the record's « Modifier » / « Supprimer » / « Historique » buttons, and the
        // links to the impact forms.
        ['produit-connecte', `/produits/${s.product}`, 200, true],
        ['produit-historique', `/produits/${s.product}/historique`, 200, true],
        ['produit-nouveau', '/produits/nouveau', 200, true],
        ['produit-modifier', `/produits/${s.product}/modifier`, 200, true],
        ['produit-supprimer', `/produits/${s.product}/supprimer`, 200, true],
        ['indicateur-nouveau', `/produits/${s.product}/indicateurs/nouveau`, 200, true],
        ['indicateur-modifier', `${indicator}/modifier`, 200, true],
        ['indicateur-supprimer', `${indicator}/supprimer`, 200, true],
        ['mesure-nouvelle', `${indicator}/mesures/nouvelle`, 200, true],
        ['mesure-modifier', `${measurement}/modifier`, 200, true],
        ['mesure-supprimer', `${measurement}/supprimer`, 200, true],
        ['budget', `/produits/${s.product}/budget`, 200, true],
        ['membre-nouveau', '/membres/nouveau', 200, true],
        ['membre-modifier', `/membres/${s.member}/modifier`, 200, true],
        ['membre-supprimer', `/membres/${s.member}/supprimer`, 200, true],
        ['compte', '/compte', 200, true],
        ['reauthentification', '/connexion/reauthentification', 200, true],
        ['admin-comptes', '/admin/comptes', 200, true],
        ['admin-composition', '/admin/composition-recommandee', 200, true],
        ['comite-nouveau', '/comites/nouveau', 200, true],
        ['livraisons-produit-connecte', `/produits/${s.product}/livraisons`, 200, true],
        // The demo's audit of its product.
        ['audit-rapport', `/produits/${s.product}/audits/1`, 200, true],
        ['qualite-connecte', `/produits/${s.product}/qualite`, 200, true],
        ['qualite-fiche', `/produits/${s.product}/qualite/fiche`, 200, true],
        ['audit-nouveau', `/produits/${s.product}/audits/nouveau`, 200, true],
        ['audit-page', `/produits/${s.product}/audits/1/pages/1?thematique=11`, 200, true],
        ['rgesn-formulaire', `/produits/${s.product}/rgesn?thematique=4`, 200, true],
        ['observatoire-connecte', '/observatoire', 200, true],
        // The demo's first support request, in progress: the steering team's forms.
        ['accompagnement', '/accompagnement', 200, true],
        ['accompagnement-nouvelle', '/accompagnement/nouvelle', 200, true],
        ['accompagnement-demande', '/accompagnement/1', 200, true],
        ['accompagnement-tableau', '/accompagnement/tableau-de-bord', 200, true],
        // The demo's PostgreSQL: the referent's e-mail, the forms to declare and withdraw.
        ['logiciel-connecte', `/logiciels/${s.software}`, 200, true],
        // Access requests: the administrator has none; the form to start one.
        ['demandes-acces', '/donnees/demandes', 200, true],
        ['demande-acces-nouvelle', '/donnees/demandes/nouvelle?jeu=beneficiaires-aides-sociales-demo', 200, true],
        // The demo's instructor: the queue, a request to decide and a validated one.
        ['demandes-acces-instruction', '/donnees/demandes', 200, 'instructrice-donnees'],
        ['demande-acces-soumise', '/donnees/demandes/1', 200, 'instructrice-donnees'],
        ['demande-acces-validee', '/donnees/demandes/2', 200, 'instructrice-donnees'],
        // The demo's reviewers: the call's panel, the offer's recruiter and the application
        // to the offer (number 2; number 1 is the challenge's).
        ['appel-jury', `/talents/appels/${s.call}/jury`, 200, 'jury-appel'],
        ['offre-candidatures', `/talents/offres/${s.jobOffer}/candidatures`, 200, 'recruteuse'],
        ['candidature-examen', '/talents/candidatures/2', 200, 'recruteuse'],
        // The forms of recruitment: an offer's, a proposal's, a panelist's scorecard, and
        // the administrator's decision (on the proposal waiting for one, number 2).
        ['offre-nouvelle', '/talents/offres/nouvelle', 200, 'recruteuse'],
        ['offre-modifier', `/talents/offres/${s.jobOffer}/modifier`, 200, 'recruteuse'],
        ['proposition-nouvelle', `/talents/appels/${s.call}/proposer`, 200, 'editrice-organisation'],
        ['proposition-jury', `/talents/appels/${s.call}/propositions/1`, 200, 'jury-appel'],
        ['proposition-decision', `/talents/appels/${s.call}/propositions/2`, 200, true],
      ]
    : [];
  const data = s.dataset
    ? [
        ['donnees', '/donnees', 200, false],
        ['donnees-filtres', '/donnees?access=restricted&sort=modified', 200, false],
        // A hand-made address with a value outside the list: the error on its field.
        ['donnees-erreur', '/donnees?access=inconnu', 422, false],
        ['jeu-de-donnees', `/donnees/jeux-de-donnees/${s.dataset}`, 200, false],
        ['jeu-de-donnees-restreint', `/donnees/jeux-de-donnees/${s.restrictedDataset}`, 200, false],
        ['donnees-api', '/donnees/api', 200, false],
        ['donnees-api-fiche', `/donnees/api/${s.api}`, 200, false],
        ['donnees-producteurs', '/donnees/producteurs', 200, false],
        ['donnees-producteur', `/donnees/producteurs/${s.producer}`, 200, false],
      ]
    : [];
  return [
    ['accueil', '/', 200, false],
    ['produits', '/produits', 200, false],
    ['produit', `/produits/${s.product}`, 200, false],
    ['impact', '/impact', 200, false],
    ['equipes-produits', '/equipes-produits', 200, false],
    ['livraisons', '/livraisons', 200, false],
    ['livraisons-produit', `/produits/${s.product}/livraisons`, 200, false],
    ['qualite-produit', `/produits/${s.product}/qualite`, 200, false],
    ['comites', '/comites', 200, false],
    ['observatoire', '/observatoire', 200, false],
    ['logiciels', '/logiciels', 200, false],
    ['logiciels-masse-critique', '/logiciels/masse-critique', 200, false],
    ['logiciel', `/logiciels/${s.software}`, 200, false],
    ['comites-en-retard', '/comites/en-retard', 200, false],
    ['talents-retention', '/talents/retention', 200, false],
    ['talents-formations', '/talents/formations', 200, false],
    ['talents-eig', '/talents/eig', 200, false],
    ...(s.eigChallenge ? [['talents-eig-defi', `/talents/eig/defis/${s.eigChallenge}`, 200, false]] : []),
    ['talents', '/talents', 200, false],
    ['talents-offres', '/talents/offres', 200, false],
    ['talents-offres-filtrees', '/talents/offres?contract=cdi&sort=title', 200, false],
    ['talents-appels', '/talents/appels', 200, false],
    ['talents-candidature-inconnue', '/talents/candidature?jeton=inconnu', 404, false],
    ...(s.jobOffer
      ? [
          ['talents-offre', `/talents/offres/${s.jobOffer}`, 200, false],
          ['talents-appel', `/talents/appels/${s.call}`, 200, false],
          ['talents-defi', `/talents/appels/${s.call}/defis/1`, 200, false],
        ]
      : []),
    ['recherche', `/recherche?q=${encodeURIComponent(s.searchWords ?? 'service')}`, 200, false],
    ['recherche-filtree', '/recherche?q=&kind=product&sort=date', 200, false],
    ['recherche-vide', '/recherche?q=zzzzqqqq', 200, false],
    ['recherche-erreur', '/recherche?kind=inconnu', 422, false],
    ...data,
    ['incubateurs', '/incubateurs', 200, false],
    ['incubateur', `/incubateurs/${s.incubator}`, 200, false],
    ['organisations', '/organisations', 200, false],
    ['organisation', `/organisations/${s.organisation}`, 200, false],
    ['membres', '/membres', 200, false],
    ['membre', `/membres/${s.member}`, 200, false],
    ['equipes', '/equipes', 200, false],
    ['equipe', `/equipes/${s.team}`, 200, false],
    ['accessibilite', '/accessibilite', 200, false],
    ['mentions-legales', '/mentions-legales', 200, false],
    ['donnees-personnelles', '/donnees-personnelles', 200, false],
    ['plan-du-site', '/plan-du-site', 200, false],
    ['404', '/nope', 404, false],
    ['connexion', '/connexion', 200, false],
    ['connexion-requise', '/compte', 401, false],
    ['deconnexion-terminee', '/deconnexion/terminee', 200, false],
    ...signedIn,
  ];
}

/** Rejects with `what` when `promise` has not settled within `ms`. */
export function within(promise, ms, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * Launches Debian's Chromium (Playwright gives each launch a fresh temporary profile) and
 * checks that it answers by opening a context; a start that hangs, which a loaded machine
 * sometimes sees, is killed and tried again, up to three times.
 */
export async function launch() {
  await mkdir(OUT, { recursive: true });
  let lastError;
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    let browser;
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
      const probe = await within(browser.newContext(), 30_000, 'Chromium: new context');
      await within(probe.close(), 30_000, 'Chromium: closing a context');
      return browser;
    } catch (error) {
      lastError = error;
      console.error(`Chromium start ${attempt} failed: ${error.message}`);
      if (browser) await closeBrowser(browser);
    }
  }
  throw lastError;
}

/** Closes a browser, giving up after ten seconds: a stuck Chromium must not hold the suite. */
export async function closeBrowser(browser) {
  if (!browser) return;
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimeout(() => {
      console.error('Chromium did not close within 10 s; killing it');
      browser.process?.()?.kill('SIGKILL');
      resolve();
    }, 10_000);
  });
  await Promise.race([browser.close(), late]);
  clearTimeout(timer);
}

/** Navigates and checks the HTTP status; waits for the DSFR script when JavaScript runs. */
export async function open(page, url, status = 200, { waitUntil = 'load', js = true } = {}) {
  const response = await page.goto(url, { waitUntil });
  if (!response) throw new Error(`no response for ${url}`);
  if (response.status() !== status) {
    throw new Error(`${url}: HTTP ${response.status()}, expected ${status}`);
  }
  if (js) {
    // The DSFR marks <html data-fr-js="true"> once started; axe must see the final DOM.
    await page.waitForFunction(() => document.documentElement.dataset.frJs === 'true', null, { timeout: 5000 });
  }
  return response;
}

/** Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the current page; returns its violations. */
export async function axeViolations(page) {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(
    async (tags) => {
      const results = await window.axe.run(document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      });
      return results.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({
          target: n.target.join(' '),
          html: n.html,
          summary: n.failureSummary,
        })),
      }));
    },
    AXE_TAGS,
  );
}

/** A readable report of axe violations, one block per rule and one line per element. */
export function formatViolations(label, violations) {
  const lines = [`${label}: ${violations.length} axe violation(s)`];
  for (const v of violations) {
    lines.push(`  [${v.id}] impact=${v.impact} — ${v.help} (${v.helpUrl})`);
    for (const n of v.nodes) {
      lines.push(`    target: ${n.target}`);
      lines.push(`    html:   ${n.html.replace(/\s+/g, ' ').slice(0, 400)}`);
      if (n.summary) lines.push(`    fix:    ${n.summary.replace(/\s+/g, ' ').slice(0, 400)}`);
    }
  }
  return lines.join('\n');
}

/**
 * WCAG 1.4.10 (reflow): the elements that stick out of the viewport horizontally and so make
 * the page scroll sideways. Scrolling tables (DSFR `.fr-table__container`) and closed modals
 * are exempt.
 */
export function reflowOverflow(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    return [...document.querySelectorAll('body *')]
      .filter((el) => {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.right <= width + 1) return false;
        if (el.closest('.fr-table__container')) return false;
        const modal = el.closest('.fr-modal');
        return !modal || modal.classList.contains('fr-modal--opened');
      })
      .slice(0, 5)
      .map((el) => `${Math.round(el.getBoundingClientRect().right)} px > ${width} px: ${el.outerHTML.replace(/\s+/g, ' ').slice(0, 200)}`);
  });
}

/** What has the keyboard focus: tag, id, text, href, classes, and a few states. */
export function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: 'body', text: '' };
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      text: (el.innerText || el.value || '').trim(),
      href: el.getAttribute('href'),
      className: el.className,
      inSkiplinks: !!el.closest('.fr-skiplinks'),
      inTableBody: !!el.closest('main table tbody'),
      visible: !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length),
    };
  });
}

/** Presses Tab until `predicate(focused)` holds; returns the focus, or throws after `max` presses. */
export async function tabUntil(page, predicate, what, max = 80) {
  const path = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    path.push(`${f.tag}${f.id ? '#' + f.id : ''}${f.text ? ' "' + f.text.slice(0, 30) + '"' : ''}`);
    if (predicate(f)) return f;
  }
  throw new Error(`${what} not reached after ${max} Tab presses; focus went through:\n  ${path.join('\n  ')}`);
}
