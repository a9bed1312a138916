// Drives the real settings editor in Debian's Chromium with playwright-core, as a person would.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { resultsDir, startHarness, stored } from './harness.mjs';

let harness;

before(async () => {
  harness = await startHarness();
});

after(async () => {
  await harness?.close();
});

async function chooseProvider(page, label) {
  await page.getByRole('combobox', { name: 'Authentication Provider' }).click();
  await page.getByRole('option', { name: label, exact: true }).click();
}

test('settings page: access & secret key, then credentials file', async () => {
  const page = await harness.browser.newPage({ viewport: { width: 1000, height: 1400 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${harness.url}#settings`);
  await page.getByText('Authentication Provider').first().waitFor();

  await chooseProvider(page, 'Access & secret key');
  await page.getByLabel('Access Key ID').fill('AKIAHARNESSEXAMPLE');
  await page.getByLabel('Secret Access Key').fill('harness-secret-example');
  await page.getByPlaceholder('Session token').fill('harness-session-token');
  await page.getByLabel(/^Assume Role ARN/).fill('arn:aws:iam::123456789012:role/GrafanaReader');
  await page.getByLabel(/^External ID/).fill('ext-4711');
  await page.getByLabel(/^STS Endpoint/).fill('https://sts.eu-west-1.amazonaws.com');
  let s = await stored(page);
  assert.equal(s.jsonData.authType, 'keys');
  assert.equal(s.jsonData.assumeRoleArn, 'arn:aws:iam::123456789012:role/GrafanaReader');
  assert.equal(s.jsonData.externalId, 'ext-4711');
  assert.equal(s.jsonData.stsEndpoint, 'https://sts.eu-west-1.amazonaws.com');
  assert.deepEqual(s.secureJsonData, { accessKey: 'AKIAHARNESSEXAMPLE', secretKey: 'harness-secret-example', sessionToken: 'harness-session-token' });
  assert.ok(!JSON.stringify(s.jsonData).includes('harness-secret'), 'secrets stay out of jsonData');
  await page.screenshot({ path: path.join(resultsDir, 'settings-keys.png'), fullPage: true });

  await chooseProvider(page, 'Credentials file');
  await page.getByLabel(/^Credentials Profile Name/).fill('prod');
  s = await stored(page);
  assert.equal(s.jsonData.authType, 'credentials');
  assert.equal(s.jsonData.profile, 'prod');
  assert.equal(await page.getByLabel('Access Key ID').count(), 0, 'key fields are gone');
  assert.equal(await page.getByPlaceholder('Session token').count(), 0, 'session token is only for keys');
  await page.screenshot({ path: path.join(resultsDir, 'settings-credentials.png'), fullPage: true });

  assert.deepEqual(errors, []);
});

test('settings page: a per-data-source proxy and a private CA bundle', async () => {
  const page = await harness.browser.newPage({ viewport: { width: 1000, height: 1700 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${harness.url}#settings-proxy`);
  await page.getByText('Proxy Configuration').first().waitFor();

  await page.getByRole('combobox', { name: /^Proxy Type/ }).click();
  await page.getByRole('option', { name: 'URL', exact: true }).click();
  await page.getByLabel(/^Proxy URL/).fill('http://proxy.corp.example:3128');
  await page.getByLabel(/^Proxy Username/).fill('grafana');
  await page.getByLabel(/^Proxy Password/).fill('harness-proxy-password');
  await page.getByLabel(/^CA Bundle/).fill('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----');
  const s = await stored(page);
  assert.equal(s.jsonData.proxyType, 'url');
  assert.equal(s.jsonData.proxyUrl, 'http://proxy.corp.example:3128');
  assert.equal(s.jsonData.proxyUsername, 'grafana');
  assert.equal(s.secureJsonData.proxyPassword, 'harness-proxy-password');
  assert.match(s.secureJsonData.caBundle, /^-----BEGIN CERTIFICATE-----/);
  assert.ok(!JSON.stringify(s.jsonData).includes('harness-proxy-password'), 'the proxy password stays out of jsonData');
  await page.screenshot({ path: path.join(resultsDir, 'settings-proxy-ca.png'), fullPage: true });
  assert.deepEqual(errors, []);
});
