// Check 1: axe-core (WCAG 2.0/2.1, levels A and AA) on every page template, on both
// servers, at desktop (1280 px) and mobile (375 px) widths. Zero violations allowed.
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
  launch,
  open,
  reflowOverflow,
  pagesOf,
  requireServer,
  serverTestOptions,
} from './helpers.mjs';

let browser;
const found = [];

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
  // Every violation found, for the record (tests/browser/out/a11y-violations.json).
  await writeFile(join(OUT, 'a11y-violations.json'), JSON.stringify(found, null, 2) + '\n');
});

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
          for (const [template, path, status] of pages) {
            await t.test(`${template} ${path}`, async () => {
              await open(page, server.url + path, status);
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
                assert.equal(new URL(page.url()).pathname, path, 'the page is loaded');
                const overflow = await reflowOverflow(page);
                if (overflow.length) {
                  found.push({ server: server.name, width, template, path, reflow: overflow });
                }
                assert.deepEqual(overflow, [], `${server.name} ${width} ${path}: the page scrolls sideways:\n  ${overflow.join('\n  ')}`);
              });
            }
          }
        } finally {
          await context.close();
        }
      });
    }
  });
}
