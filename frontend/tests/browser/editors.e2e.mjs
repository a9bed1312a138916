// Drives the real template variable, alarm annotation and Logs query editors in Debian's Chromium with
// playwright-core, as a person would, and keeps screenshots of each.
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

async function open(fragment) {
  const page = await harness.browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${harness.url}${fragment}`);
  return { page, errors };
}

/** Picks an option by its label (options may carry a description after it). */
async function pick(page, label, option) {
  await page.getByRole('combobox', { name: label, exact: true }).click();
  const escaped = option.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await page.getByRole('option', { name: new RegExp(`^${escaped}`) }).first().click();
}

test('variable editor: a legacy dimension_values string opens as fields, then an EC2 attribute variable', async () => {
  const { page, errors } = await open('#variable');
  await page.getByText('Dimension values', { exact: true }).waitFor();
  // The legacy string's parts are in their fields; the account picker shows for the linked account.
  for (const text of ['$region', 'AWS/EC2', 'CPUUtilization', 'InstanceId', '$asg']) {
    assert.ok(await page.getByText(text, { exact: true }).first().isVisible(), text);
  }
  await page.getByRole('combobox', { name: 'Account', exact: true }).waitFor();
  await page.screenshot({ path: path.join(resultsDir, 'variable-dimension-values.png'), fullPage: true });

  await pick(page, 'Account', 'payments-prod');
  let s = await stored(page);
  assert.equal(s.queryType, 'dimensionValues');
  assert.equal(s.region, '$region');
  assert.deepEqual(s.dimensionFilters, { AutoScalingGroupName: '$asg' });
  assert.equal(s.accountId, '444455556666');

  await pick(page, 'Query type', 'EC2 instance attributes');
  await pick(page, 'Region', 'eu-west-1');
  await pick(page, 'Attribute name', 'Tags.Name');
  await page.getByRole('button', { name: 'Add ec2 filter' }).click();
  await page.getByLabel('EC2 filter 1 name').fill('instance-state-name');
  const values = page.locator('#EC2\\ filter-0-values');
  await values.fill('running');
  await values.press('Enter');
  s = await stored(page);
  assert.equal(s.queryType, 'ec2InstanceAttributes');
  assert.equal(s.region, 'eu-west-1');
  assert.equal(s.attributeName, 'Tags.Name');
  assert.deepEqual(s.ec2Filters, { 'instance-state-name': ['running'] });
  assert.equal(await page.getByRole('combobox', { name: 'Namespace', exact: true }).count(), 0, 'no namespace for EC2 attributes');
  await page.screenshot({ path: path.join(resultsDir, 'variable-ec2-attributes.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('annotation editor: alarms on a metric, then by prefix', async () => {
  const { page, errors } = await open('#annotation');
  await page.getByRole('combobox', { name: 'Namespace', exact: true }).waitFor();
  await pick(page, 'Namespace', 'AWS/EC2');
  await pick(page, 'Metric name', 'CPUUtilization');
  await pick(page, 'Statistic', 'Maximum');
  await page.getByRole('button', { name: 'Add dimension' }).click();
  await pick(page, 'Dimension key new', 'InstanceId');
  await pick(page, 'Dimension values InstanceId', 'i-1');
  let s = await stored(page);
  assert.deepEqual(
    { queryMode: s.queryMode, namespace: s.namespace, metricName: s.metricName, statistic: s.statistic, dimensions: s.dimensions, prefixMatching: s.prefixMatching },
    { queryMode: 'Annotations', namespace: 'AWS/EC2', metricName: 'CPUUtilization', statistic: 'Maximum', dimensions: { InstanceId: 'i-1' }, prefixMatching: false }
  );
  await page.screenshot({ path: path.join(resultsDir, 'annotation-metric.png'), fullPage: true });

  // The values menu stays open for more picks; close it as a person would.
  await page.keyboard.press('Escape');
  // The switch's visible part is its label.
  const id = await page.getByRole('switch', { name: 'Prefix matching' }).getAttribute('id');
  await page.locator(`label[for="${id}"]`).click();
  await page.getByLabel('Action prefix').fill('arn:aws:sns:us-east-1:123456789012:ops');
  await page.getByLabel('Alarm name prefix').fill('prod-');
  s = await stored(page);
  assert.equal(s.prefixMatching, true);
  assert.equal(s.actionPrefix, 'arn:aws:sns:us-east-1:123456789012:ops');
  assert.equal(s.alarmNamePrefix, 'prod-');
  await page.screenshot({ path: path.join(resultsDir, 'annotation-prefix.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('query editor: CloudWatch Logs with log groups found by search', async () => {
  const { page, errors } = await open('#query');
  await page.getByRole('radio', { name: 'CloudWatch Logs' }).check();
  const groups = page.getByRole('combobox', { name: 'Log groups', exact: true });
  await groups.click();
  await groups.fill('web');
  await page.getByRole('option', { name: /^\/app\/web/ }).first().click();
  await page.getByLabel('Logs query').fill('fields @timestamp, @message | filter @message like /ERROR/ | sort @timestamp desc | limit 20');
  await page.getByLabel('Logs query').blur();
  const s = await stored(page);
  assert.equal(s.queryMode, 'Logs');
  assert.equal(s.region, 'us-east-1');
  assert.equal(s.queryLanguage, 'CWLI');
  assert.deepEqual(s.logGroups, [
    { arn: 'arn:aws:logs:us-east-1:123456789012:log-group:/app/web:*', name: '/app/web', accountId: '123456789012' },
  ]);
  assert.match(s.expression, /^fields @timestamp/);
  await page.screenshot({ path: path.join(resultsDir, 'query-logs.png'), fullPage: true });
  assert.deepEqual(errors, []);
});
