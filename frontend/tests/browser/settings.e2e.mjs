// Drives the real settings editor in Debian's Chromium with playwright-core, as a person would.
import assert from 'node:assert/strict';
import { createReadStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const bundleDir = path.resolve(here, '../../.harness');
const resultsDir = path.resolve(here, '../../test-results');

/** The page, or a file of the bundle (webpack splits it into lazy chunks). */
function fileFor(requestUrl) {
  const name = new URL(requestUrl, 'http://x').pathname;
  if (name === '/') {
    return path.join(here, 'index.html');
  }
  const file = path.join(bundleDir, path.normalize(name));
  return file.startsWith(bundleDir + path.sep) ? file : undefined;
}

let server;
let url;
let browser;

before(async () => {
  mkdirSync(resultsDir, { recursive: true });
  server = createServer((req, res) => {
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
  url = `http://127.0.0.1:${server.address().port}/`;
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

async function settings(page) {
  return JSON.parse(await page.getByTestId('settings').textContent());
}

async function chooseProvider(page, label) {
  await page.getByRole('combobox', { name: 'Authentication Provider' }).click();
  await page.getByRole('option', { name: label, exact: true }).click();
}

test('settings page: access & secret key, then credentials file', async () => {
  const page = await browser.newPage({ viewport: { width: 1000, height: 1400 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.getByText('Authentication Provider').first().waitFor();

  await chooseProvider(page, 'Access & secret key');
  await page.getByLabel('Access Key ID').fill('AKIAHARNESSEXAMPLE');
  await page.getByLabel('Secret Access Key').fill('harness-secret-example');
  await page.getByPlaceholder('Session token').fill('harness-session-token');
  await page.getByLabel(/^Assume Role ARN/).fill('arn:aws:iam::123456789012:role/GrafanaReader');
  await page.getByLabel(/^External ID/).fill('ext-4711');
  await page.getByLabel(/^STS Endpoint/).fill('https://sts.eu-west-1.amazonaws.com');
  let s = await settings(page);
  assert.equal(s.jsonData.authType, 'keys');
  assert.equal(s.jsonData.assumeRoleArn, 'arn:aws:iam::123456789012:role/GrafanaReader');
  assert.equal(s.jsonData.externalId, 'ext-4711');
  assert.equal(s.jsonData.stsEndpoint, 'https://sts.eu-west-1.amazonaws.com');
  assert.deepEqual(s.secureJsonData, { accessKey: 'AKIAHARNESSEXAMPLE', secretKey: 'harness-secret-example', sessionToken: 'harness-session-token' });
  assert.ok(!JSON.stringify(s.jsonData).includes('harness-secret'), 'secrets stay out of jsonData');
  await page.screenshot({ path: path.join(resultsDir, 'settings-keys.png'), fullPage: true });

  await chooseProvider(page, 'Credentials file');
  await page.getByLabel(/^Credentials Profile Name/).fill('prod');
  s = await settings(page);
  assert.equal(s.jsonData.authType, 'credentials');
  assert.equal(s.jsonData.profile, 'prod');
  assert.equal(await page.getByLabel('Access Key ID').count(), 0, 'key fields are gone');
  assert.equal(await page.getByPlaceholder('Session token').count(), 0, 'session token is only for keys');
  await page.screenshot({ path: path.join(resultsDir, 'settings-credentials.png'), fullPage: true });

  assert.deepEqual(errors, []);
});
