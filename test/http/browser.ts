/**
 * What the dashboard's browser tests share: Debian's Chromium (`/usr/bin/chromium`, installed by
 * .ci/run), whether it is there (tests skip with that reason in their title when not), launching it
 * headless, and counting the pixels of one colour in a page's chart canvases (a chart that drew
 * nothing has none).
 */
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = fs.existsSync(CHROMIUM);
/** Title suffix of browser tests skipped without Chromium ('' when it is there). */
export const CHROMIUM_SKIP_REASON = haveChromium ? '' : ` (skipped: ${CHROMIUM} not found; .ci/run installs chromium)`;

/** Headless Chromium as the tests run it (no sandbox: root in CI; no GPU; /tmp instead of /dev/shm). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/** Pixels of colour `hex` (`#rrggbb`, ±24 per channel, alpha > 128) in the canvases under `selector`. */
export function colouredPixels(page: Page, selector: string, hex: string): Promise<number> {
  return page.evaluate(
    ({ selector, hex }) => {
      const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      let n = 0;
      // (runs in the page: the DOM's types are not in this project's lib)
      const doc = (globalThis as any).document;
      for (const canvas of doc.querySelectorAll(`${selector} canvas`)) {
        const ctx = canvas.getContext('2d');
        if (!ctx || canvas.width === 0 || canvas.height === 0) continue;
        const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 0; i < d.length; i += 4) {
          if (d[i + 3]! > 128 && Math.abs(d[i]! - want[0]!) < 24 && Math.abs(d[i + 1]! - want[1]!) < 24 && Math.abs(d[i + 2]! - want[2]!) < 24) n++;
        }
      }
      return n;
    },
    { selector, hex },
  );
}
