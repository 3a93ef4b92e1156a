// Check 5: full-page screenshots of the home page, the product list, a product page and the
// sign-in page, at desktop (1280×800) and mobile (375×812) sizes, into
// tests/browser/out/screenshots/.
import assert from 'node:assert/strict';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { OUT, SERVERS, VIEWPORTS, closeBrowser, launch, open, requireServer, serverTestOptions } from './helpers.mjs';

const DIR = join(OUT, 'screenshots');

let browser;

before(async () => {
  browser = await launch();
  await mkdir(DIR, { recursive: true });
});

after(async () => {
  await closeBrowser(browser);
});

for (const server of SERVERS) {
  describe(`captures d’écran — serveur ${server.name}`, serverTestOptions(server), () => {
    for (const [width, viewport] of VIEWPORTS) {
      test(`${width} (${viewport.width}×${viewport.height})`, async (t) => {
        requireServer(server);
        const context = await browser.newContext({ viewport });
        const page = await context.newPage();
        try {
          const pages = [
            ['accueil', '/'],
            ['produits', '/produits'],
            ['produit', `/produits/${server.slugs.product}`],
            ['connexion', '/connexion'],
          ];
          for (const [name, path] of pages) {
            await open(page, server.url + path);
            await page.evaluate(() => document.fonts.ready);
            const file = join(DIR, `${server.name}-${name}-${width}.png`);
            await page.screenshot({ path: file, fullPage: true });
            const { size } = await stat(file);
            assert.ok(size > 10_000, `${file} looks empty (${size} B)`);
            t.diagnostic(`${path} → ${file}`);
          }
        } finally {
          await context.close();
        }
      });
    }
  });
}
