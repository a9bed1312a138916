// The browser tests' harness: the bundled editors served on a local port, and Debian's Chromium
// driven with playwright-core.
import { createReadStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const bundleDir = path.resolve(here, '../../.harness');

/** Where screenshots go (look at them). */
export const resultsDir = path.resolve(here, '../../test-results');

/** The page, or a file of the bundle (webpack splits it into lazy chunks). */
function fileFor(requestUrl) {
  const name = new URL(requestUrl, 'http://x').pathname;
  if (name === '/') {
    return path.join(here, 'index.html');
  }
  const file = path.join(bundleDir, path.normalize(name));
  return file.startsWith(bundleDir + path.sep) ? file : undefined;
}

/** Serves the harness and starts Chromium; `close` stops both. */
export async function startHarness() {
  mkdirSync(resultsDir, { recursive: true });
  const server = createServer((req, res) => {
    const file = fileFor(req.url ?? '/');
    const stream = file && createReadStream(file);
    if (!stream) {
      res.writeHead(404).end();
      return;
    }
    stream.on('error', () => res.writeHead(404).end());
    stream.on('open', () => {
      res.writeHead(200, { 'Content-Type': file.endsWith('.js') ? 'text/javascript' : 'text/html' });
      stream.pipe(res);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    browser,
    close: async () => {
      await browser.close();
      server.close();
    },
  };
}

/** What the editor on the page stored, as JSON. */
export async function stored(page) {
  return JSON.parse(await page.getByTestId('stored').textContent());
}
