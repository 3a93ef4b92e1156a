// Check 4: page weight and EcoIndex of every template, each page in a fresh browser
// context (empty cache). The score comes from `pilote ecoindex`, the project's one
// implementation of the formula. Goals: grade A (score > 80) on the home page, the product
// list and a product page; no page below B. The pages of a signed-in person (demo server)
// are measured with the session of the demo administrator, signed in once through
// /connexion.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DESKTOP, OUT, SERVERS, accountOf, demoSessionState, closeBrowser, launch, open, pagesOf, requireServer, serverTestOptions } from './helpers.mjs';

const BIN = process.env.PILOTE_BIN;
const GRADE_A = new Set(['accueil', 'produits', 'produit']);
const GRADES = 'ABCDEFG';
// When the browser reports no transferSize for a response (it should, same-origin), the
// size is estimated as the encoded body plus this much for the response headers.
const HEADERS_ESTIMATE = 300;

let browser;
const rows = [];

before(async () => {
  browser = await launch();
});

after(async () => {
  await closeBrowser(browser);
  const header = ['server', 'template', 'path', 'dom', 'requests', 'kb', 'score', 'grade', 'ghg', 'water', 'size_source'];
  const lines = rows.map((r) => header.map((k) => r[k]).join('\t'));
  await writeFile(join(OUT, 'ecoindex.tsv'), [header.join('\t'), ...lines].join('\n') + '\n');
});

/**
 * Loads `url` in a fresh context (with the cookies of `storageState`, when given) and
 * measures DOM elements, requests and bytes transferred.
 */
async function measure(url, status, storageState) {
  const context = await browser.newContext({ viewport: DESKTOP, storageState });
  try {
    const page = await context.newPage();
    await open(page, url, status);
    // Everything the page asks for: fonts, then no new resource for 300 ms.
    await page.evaluate(async () => {
      await document.fonts.ready;
      const count = () => performance.getEntriesByType('resource').length;
      for (let seen = -1, i = 0; seen !== count() && i < 20; i++) {
        seen = count();
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    });
    return await page.evaluate((headersEstimate) => {
      const nav = performance.getEntriesByType('navigation')[0];
      const resources = performance.getEntriesByType('resource');
      let estimated = 0;
      const size = (e) => {
        if (e.transferSize > 0) return e.transferSize;
        estimated += 1;
        return e.encodedBodySize + headersEstimate;
      };
      const bytes = size(nav) + resources.reduce((sum, e) => sum + size(e), 0);
      return {
        dom: document.getElementsByTagName('*').length,
        requests: 1 + resources.length,
        kb: bytes / 1024,
        estimated,
        resources: resources.map((e) => `${new URL(e.name).pathname} (${e.initiatorType}, ${e.transferSize} B)`),
      };
    }, HEADERS_ESTIMATE);
  } finally {
    await context.close();
  }
}

/** Maps `items` through `fn`, at most `size` at a time; keeps the order. */
async function pool(items, size, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}

/** The score from the project's own implementation: `pilote ecoindex`. */
function ecoindex({ dom, requests, kb }) {
  const out = execFileSync(BIN, ['ecoindex', '--dom', String(dom), '--requests', String(requests), '--size-kb', kb.toFixed(3)], {
    encoding: 'utf8',
  });
  const json = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  return JSON.parse(json);
}

function table(list) {
  const head = ['template', 'path', 'dom', 'req', 'KB', 'score', 'grade'];
  const body = list.map((r) => [r.template, r.path, r.dom, r.requests, r.kb, r.score, r.grade].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  return [head, ...body].map((cols) => cols.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n');
}

for (const server of SERVERS) {
  describe(`EcoIndex — serveur ${server.name}`, serverTestOptions(server), () => {
    test('every template: grade A on /, /produits and a product page; none below B', async (t) => {
      requireServer(server);
      assert.ok(BIN, 'PILOTE_BIN (the pilote binary, for `pilote ecoindex`) is not set');
      const pages = await pagesOf(server);
      // A few pages at once (each in its own context): the figures do not depend on timing.
      // One session per demo account the pages are seen as.
      const sessions = new Map();
      for (const account of new Set(pages.map((p) => accountOf(p[3])).filter(Boolean))) {
        sessions.set(account, await demoSessionState(browser, server, account));
      }
      const measures = await pool(pages, 4, ([, path, status, signedIn]) =>
        measure(server.url + path, status, sessions.get(accountOf(signedIn))),
      );
      const measured = [];
      for (const [i, [template, path]] of pages.entries()) {
        const m = measures[i];
        const e = ecoindex(m);
        const row = {
          server: server.name,
          template,
          path,
          dom: m.dom,
          requests: m.requests,
          kb: m.kb.toFixed(1),
          score: e.score,
          grade: e.grade,
          ghg: e.ghg,
          water: e.water,
          resources: m.resources,
          size_source: m.estimated ? `transferSize, ${m.estimated} estimated` : 'transferSize',
        };
        if (m.estimated) {
          t.diagnostic(`${path}: ${m.estimated} response(s) without transferSize, estimated as encodedBodySize + ${HEADERS_ESTIMATE} B`);
        }
        measured.push(row);
        rows.push(row);
      }
      console.log(`\nEcoIndex, serveur ${server.name} (${server.url}):\n${table(measured)}\n`);

      for (const r of measured) {
        const goal = GRADE_A.has(r.template) ? 'A' : 'B';
        await t.test(`${r.template} ${r.path}: grade ${goal} or better`, () => {
          const figures =
            `score ${r.score}, grade ${r.grade} (dom ${r.dom}, requests ${r.requests}, ${r.kb} KB); ` +
            `resources: ${r.resources.join(', ')}`;
          assert.ok(GRADES.indexOf(r.grade) >= 0, `unknown grade ${r.grade}`);
          assert.ok(GRADES.indexOf(r.grade) <= GRADES.indexOf(goal), `${server.name} ${r.path}: ${figures}; goal ${goal}`);
        });
      }
    });
  });
}
