// Drives the real template variable, alarm annotation and query editors (builders, and Grafana's
// Monaco code editor with Stratus's languages) in Debian's Chromium with playwright-core, as a person
// would, and keeps screenshots of each.
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

/** The code editor labelled `label`, focused, with its text replaced by nothing. */
async function codeEditor(page, label) {
  const input = page.getByRole('textbox', { name: label });
  await input.waitFor({ state: 'attached', timeout: 30000 });
  const editor = page.locator('.monaco-editor', { has: input });
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  return editor;
}

/** The labels of the open completion list, once it shows `expected`. */
async function suggestions(page, expected) {
  const rows = page.locator('.suggest-widget .monaco-list-row');
  await rows.filter({ hasText: expected }).first().waitFor({ timeout: 15000 });
  return (await rows.allTextContents()).map((t) => t.trim());
}

/** Leaves the code editor (it stores its text on blur). */
async function leave(page) {
  await page.keyboard.press('Escape');
  await page.getByTestId('stored').click();
}

test('query editor: the metrics builder', async () => {
  const { page, errors } = await open('#query');
  await pick(page, 'Namespace', 'AWS/EC2');
  await pick(page, 'Metric name', 'CPUUtilization');
  await page.getByRole('button', { name: 'Add dimension' }).click();
  await page.screenshot({ path: path.join(resultsDir, 'query-metrics-builder.png'), fullPage: true });
  const s = await stored(page);
  assert.equal(s.namespace, 'AWS/EC2');
  assert.equal(s.metricName, 'CPUUtilization');
  assert.deepEqual(errors, []);
});

test("query editor: code mode completes functions, the panel's query ids and SEARCH from the lookups", async () => {
  const { page, errors } = await open('#query');
  await page.getByRole('radio', { name: 'Code', exact: true }).check();
  const editor = await codeEditor(page, 'Expression');
  await page.keyboard.type('SUM([');
  // The other queries of the panel: m1 by its id, B as queryB (this query, C, is left out).
  const ids = await suggestions(page, 'queryB');
  assert.ok(ids.some((s) => s.startsWith('m1')) && !ids.some((s) => s.startsWith('queryC')), ids.join(' | '));
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+A');
  await page.keyboard.type("SEARCH('{");
  // Namespaces come from the `namespaces` lookup.
  const namespaces = await suggestions(page, 'App/Orders');
  assert.ok(namespaces[0].startsWith('AWS/EC2'), namespaces.join(' | '));
  await page.keyboard.press('Enter');
  await page.keyboard.type(',');
  const keys = await suggestions(page, 'AutoScalingGroupName');
  assert.ok(keys.some((s) => s.startsWith('InstanceId')), keys.join(' | '));
  // Tokens are coloured: the function name and the string differ.
  const colours = await editor.locator('.view-line span span').evaluateAll((spans) => new Set(spans.map((s) => s.ownerDocument.defaultView.getComputedStyle(s).color)).size);
  assert.ok(colours >= 2, `${colours} token colours`);
  await page.screenshot({ path: path.join(resultsDir, 'query-code-completion.png'), fullPage: true });
  await page.keyboard.press('Enter');
  await leave(page);
  const s = await stored(page);
  assert.equal(s.metricEditorMode, 1);
  assert.match(s.expression, /^SEARCH\('\{AWS\/EC2,InstanceId/);
  assert.deepEqual(errors, []);
});

test('query editor: the Metrics Insights builder and its SQL round trip', async () => {
  const { page, errors } = await open('#query');
  await page.getByRole('radio', { name: 'Metrics Insights', exact: true }).check();
  await pick(page, 'Insights namespace', 'AWS/EC2');
  await pick(page, 'Insights metric', 'CPUUtilization');
  await pick(page, 'Aggregation', 'MAX');
  await pick(page, 'Group by', 'InstanceId');
  await page.getByRole('button', { name: 'Add filter' }).click();
  await pick(page, 'Filter 1 key', 'InstanceId');
  await pick(page, 'Filter 1 value', 'i-2');
  await page.screenshot({ path: path.join(resultsDir, 'query-insights-builder.png'), fullPage: true });
  const built = `SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/EC2") WHERE InstanceId = 'i-2' GROUP BY InstanceId`;
  assert.equal((await stored(page)).sqlExpression, built);

  // Code mode shows the same SQL; an edit there comes back to the builder.
  await page.getByRole('radio', { name: 'Code', exact: true }).check();
  const input = page.getByRole('textbox', { name: 'Metrics Insights SQL' });
  await input.waitFor({ state: 'attached', timeout: 30000 });
  const editor = page.locator('.monaco-editor', { has: input });
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(' ORDER BY ');
  const orders = await suggestions(page, 'SUM()');
  assert.ok(orders.some((s) => s.startsWith('MAX()')), orders.join(' | '));
  await page.screenshot({ path: path.join(resultsDir, 'query-insights-code.png'), fullPage: true });
  await page.keyboard.press('Escape');
  await page.keyboard.type('MAX() DESC LIMIT 5');
  await leave(page);
  assert.equal((await stored(page)).sqlExpression, `${built} ORDER BY MAX() DESC LIMIT 5`);
  await page.getByRole('radio', { name: 'Builder', exact: true }).check();
  await page.getByRole('combobox', { name: 'Direction' }).waitFor();
  assert.ok(await page.getByText('DESC', { exact: true }).isVisible());
  assert.equal(await page.getByLabel('Limit').inputValue(), '5');
  assert.equal((await stored(page)).sqlExpression, `${built} ORDER BY MAX() DESC LIMIT 5`);
  assert.deepEqual(errors, []);
});

test('query editor: CloudWatch Logs with log groups found by search and fields completed', async () => {
  const { page, errors } = await open('#query');
  await page.getByRole('radio', { name: 'CloudWatch Logs' }).check();
  // The editor is mounted before the group is chosen, so typing must keep the group.
  await page.getByRole('textbox', { name: 'Logs query' }).waitFor({ state: 'attached', timeout: 30000 });
  const groups = page.getByRole('combobox', { name: 'Log groups', exact: true });
  await groups.click();
  await groups.fill('web');
  await page.getByRole('option', { name: /^\/app\/web/ }).first().click();
  await codeEditor(page, 'Logs query');
  await page.keyboard.type('fields @timestamp, @message | filter @message like /ERROR/ | sort @timestamp desc | limit 20 | ');
  const commands = await suggestions(page, 'stats');
  assert.ok(commands.some((s) => s.startsWith('parse')), commands.join(' | '));
  // No Enter while a list may be open (it would take the first suggestion).
  await page.keyboard.press('Escape');
  await page.keyboard.type('display ');
  // The fields of the chosen log group, from the `log-group-fields` lookup.
  const fields = await suggestions(page, 'requestId');
  assert.ok(fields.some((s) => s.startsWith('status')), fields.join(' | '));
  await page.screenshot({ path: path.join(resultsDir, 'query-logs.png'), fullPage: true });
  await page.keyboard.press('Escape');
  await page.keyboard.type('@message');
  await leave(page);
  const s = await stored(page);
  assert.equal(s.queryMode, 'Logs');
  assert.equal(s.region, 'us-east-1');
  assert.equal(s.queryLanguage, 'CWLI');
  assert.deepEqual(s.logGroups, [
    { arn: 'arn:aws:logs:us-east-1:123456789012:log-group:/app/web:*', name: '/app/web', accountId: '123456789012' },
  ]);
  assert.equal(s.expression, 'fields @timestamp, @message | filter @message like /ERROR/ | sort @timestamp desc | limit 20 | display @message');
  assert.deepEqual(errors, []);
});

test('panel: queries Grafana would never send show no data and never reach the backend', async () => {
  const { page, errors } = await open('#panel');
  const panel = page.getByRole('table', { name: 'Panel' });
  await panel.waitFor();
  const rows = Object.fromEntries(
    await Promise.all((await panel.locator('tr').all()).map(async (r) => [await r.locator('th').textContent(), await r.locator('td').textContent()]))
  );
  assert.deepEqual(rows, { A: '3 points', B: 'No data', C: 'No data', D: 'No data' });
  await page.screenshot({ path: path.join(resultsDir, 'panel-dropped-queries.png'), fullPage: true });
  // Only the complete query was sent, marked as a panel's query with the dashboard's UTC offset.
  const sent = await stored(page);
  assert.deepEqual(
    sent.map((q) => q.refId),
    ['A']
  );
  assert.equal(sent[0].type, 'timeSeriesQuery');
  assert.equal(sent[0].timezoneUTCOffset, '+0530');
  assert.deepEqual(errors, []);
  await page.close();
});
