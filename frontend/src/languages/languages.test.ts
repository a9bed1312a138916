import { describe, expect, it } from 'vitest';

import { CompletionSource, Suggestion } from './completion';
import { completeInsights, tokenizeInsights } from './insights';
import { TokenKind } from './lexer';
import { completeLogs, LOGS_COMMANDS, tokenizeLogs } from './logs';
import { completeMath, queryIdsOf, tokenizeMath } from './math';

/** Lookups as the resource routes answer them, recording what was asked. */
function lookups() {
  const asked: string[] = [];
  const source: CompletionSource = {
    namespaces: async () => (asked.push('namespaces'), ['AWS/EC2', 'App/Orders']),
    metrics: async (ns) => (asked.push(`metrics ${ns}`), ns === 'AWS/EC2' ? ['CPUUtilization', 'NetworkIn'] : ['OrdersPlaced']),
    dimensionKeys: async (ns, metric) => (asked.push(`keys ${ns} ${metric}`), ['InstanceId', 'Auto Scaling Group']),
    dimensionValues: async (ns, metric, key) => (asked.push(`values ${ns} ${metric} ${key}`), ['i-1', "it's"]),
    logFields: async () => (asked.push('fields'), ['status', 'request id']),
    queryIds: () => ['m1', 'queryB'],
    variables: () => ['$instance'],
  };
  return { source, asked };
}

/** Tokens as [kind, text], whitespace left out. */
const kinds = (tokens: Array<{ kind: TokenKind; text: string }>) => tokens.filter((t) => t.kind !== TokenKind.Whitespace).map((t) => [t.kind, t.text]);

/** Completion at the last `|` in `text`: what would be inserted, and from where. */
async function at(complete: typeof completeMath, marked: string, source: CompletionSource) {
  const offset = marked.lastIndexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const { from, suggestions } = await complete(text, offset, source);
  return { replaced: text.slice(from, offset), inserts: suggestions.map((s: Suggestion) => s.insert ?? s.label) };
}

describe('Metrics Insights SQL', () => {
  it('tokens', () => {
    expect(kinds(tokenizeInsights(`SELECT AVG(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId) WHERE InstanceId != 'i-1' LIMIT 5 #`))).toEqual([
      [TokenKind.Keyword, 'SELECT'], [TokenKind.Function, 'AVG'], [TokenKind.Delimiter, '('], [TokenKind.Identifier, 'CPUUtilization'],
      [TokenKind.Delimiter, ')'], [TokenKind.Keyword, 'FROM'], [TokenKind.Function, 'SCHEMA'], [TokenKind.Delimiter, '('],
      [TokenKind.QuotedIdentifier, '"AWS/EC2"'], [TokenKind.Delimiter, ','], [TokenKind.Identifier, 'InstanceId'], [TokenKind.Delimiter, ')'],
      [TokenKind.Keyword, 'WHERE'], [TokenKind.Identifier, 'InstanceId'], [TokenKind.Operator, '!='], [TokenKind.String, "'i-1'"],
      [TokenKind.Keyword, 'LIMIT'], [TokenKind.Number, '5'], [TokenKind.Invalid, '#'],
    ]);
    expect(kinds(tokenizeInsights("WHERE k = '$v' AND x = 'unterminated"))).toContainEqual([TokenKind.String, "'unterminated"]);
  });

  it('completes each clause from the lookups', async () => {
    const { source, asked } = lookups();
    expect((await at(completeInsights, '|', source)).inserts).toContain('SELECT');
    expect((await at(completeInsights, 'SELECT |', source)).inserts).toEqual(expect.arrayContaining(['AVG(', 'SUM(']));
    expect((await at(completeInsights, 'SELECT AVG(CPUUtilization) FROM |', source)).inserts).toEqual(expect.arrayContaining(['"AWS/EC2"', '"App/Orders"', 'SCHEMA(']));
    // The namespace is read from the whole text, so the metric can be chosen after FROM is written.
    const metric = await at(completeInsights, 'SELECT MAX(CPU|) FROM "AWS/EC2"', source);
    expect(metric).toEqual({ replaced: 'CPU', inserts: expect.arrayContaining(['CPUUtilization', 'NetworkIn']) });
    expect(asked).toContain('metrics AWS/EC2');
    expect((await at(completeInsights, 'SELECT AVG(CPUUtilization) FROM SCHEMA("AWS/EC2", |', source)).inserts).toEqual(
      expect.arrayContaining(['InstanceId', '"Auto Scaling Group"'])
    );
    expect(asked).toContain('keys AWS/EC2 CPUUtilization');
    expect((await at(completeInsights, 'SELECT AVG(CPUUtilization) FROM "AWS/EC2" WHERE |', source)).inserts).toContain('InstanceId');
    expect((await at(completeInsights, 'SELECT AVG(CPUUtilization) FROM "AWS/EC2" WHERE InstanceId |', source)).inserts).toEqual(['=', '!=', '$instance']);
    expect((await at(completeInsights, 'SELECT AVG(CPUUtilization) FROM "AWS/EC2" WHERE InstanceId = |', source)).inserts).toEqual(["'i-1'", "'it\\'s'", '$instance']);
    expect(asked).toContain('values AWS/EC2 CPUUtilization InstanceId');
    expect((await at(completeInsights, `SELECT AVG(CPUUtilization) FROM "AWS/EC2" WHERE InstanceId = 'i-1' |`, source)).inserts).toEqual(
      expect.arrayContaining(['AND', 'GROUP BY', 'ORDER BY'])
    );
    expect((await at(completeInsights, 'SELECT AVG(CPUUtilization) FROM "AWS/EC2" GROUP BY |', source)).inserts).toContain('InstanceId');
    expect((await at(completeInsights, 'SELECT AVG(CPUUtilization) FROM "AWS/EC2" ORDER BY |', source)).inserts).toContain('MAX()');
    expect((await at(completeInsights, 'SELECT AVG(CPUUtilization) FROM "AWS/EC2" ORDER BY MAX() |', source)).inserts).toEqual(['ASC', 'DESC', 'LIMIT', '$instance']);
    // A quoted namespace being typed is replaced whole, quotes included.
    expect(await at(completeInsights, 'SELECT AVG(CPUUtilization) FROM "AWS/E|', source)).toEqual({ replaced: '"AWS/E', inserts: expect.arrayContaining(['"AWS/EC2"']) });
  });

  it('gives no suggestions rather than an error when a lookup fails', async () => {
    const { source } = lookups();
    const failing = { ...source, namespaces: () => Promise.reject(new Error('denied')) };
    expect((await at(completeInsights, 'SELECT AVG(x) FROM |', failing)).inserts).toEqual(['SCHEMA(', '$instance']);
  });
});

describe('metric math and SEARCH', () => {
  it('tokens', () => {
    expect(kinds(tokenizeMath(`SUM([m1, m2]) / 2 + SEARCH('{AWS/EC2,InstanceId} MetricName="CPUUtilization"', 'Average', $__period_auto)`))).toEqual([
      [TokenKind.Function, 'SUM'], [TokenKind.Delimiter, '('], [TokenKind.Delimiter, '['], [TokenKind.Identifier, 'm1'], [TokenKind.Delimiter, ','],
      [TokenKind.Identifier, 'm2'], [TokenKind.Delimiter, ']'], [TokenKind.Delimiter, ')'], [TokenKind.Operator, '/'], [TokenKind.Number, '2'],
      [TokenKind.Operator, '+'], [TokenKind.Function, 'SEARCH'], [TokenKind.Delimiter, '('],
      [TokenKind.String, `'{AWS/EC2,InstanceId} MetricName="CPUUtilization"'`], [TokenKind.Delimiter, ','], [TokenKind.String, "'Average'"],
      [TokenKind.Delimiter, ','], [TokenKind.Variable, '$__period_auto'], [TokenKind.Delimiter, ')'],
    ]);
    expect(kinds(tokenizeMath('FILL(m1, REPEAT) >= 1'))).toContainEqual([TokenKind.Keyword, 'REPEAT']);
  });

  it("completes functions and the panel's query ids", async () => {
    const { source } = lookups();
    const top = await at(completeMath, 'SUM(|', source);
    expect(top.inserts).toEqual(expect.arrayContaining(['METRICS(', 'SEARCH(', 'ANOMALY_DETECTION_BAND(', 'm1', 'queryB', '$__period_auto', '$instance']));
    expect(await at(completeMath, 'RATE(que|', source)).toEqual({ replaced: 'que', inserts: expect.arrayContaining(['queryB']) });
    expect(queryIdsOf([{ refId: 'A', id: 'm1' }, { refId: 'B' }, { refId: 'C-1' }, { refId: 'D', id: 'self' }], 'D')).toEqual(['m1', 'queryB', 'queryC_1']);
  });

  it('completes inside a SEARCH expression from the lookups', async () => {
    const { source, asked } = lookups();
    expect((await at(completeMath, "SEARCH('{|", source)).inserts).toEqual(['AWS/EC2', 'App/Orders']);
    expect((await at(completeMath, "SEARCH('{AWS/EC2,|", source)).inserts).toEqual(['InstanceId', '"Auto Scaling Group"']);
    const metric = await at(completeMath, "SEARCH('{AWS/EC2,InstanceId} MetricName=\"CPU|", source);
    expect(metric).toEqual({ replaced: '"CPU', inserts: ['"CPUUtilization"', '"NetworkIn"'] });
    expect(asked).toContain('metrics AWS/EC2');
    expect((await at(completeMath, `SEARCH('Namespace="AWS/EC2" MetricName="CPUUtilization" InstanceId=|`, source)).inserts).toEqual(['"i-1"', '"it\'s"']);
    expect(asked).toContain('values AWS/EC2 CPUUtilization InstanceId');
    expect((await at(completeMath, "SEARCH('{AWS/EC2} ', |", source)).inserts).toContain("'Average'");
    expect((await at(completeMath, "SEARCH('{AWS/EC2} ', 'Sum', |", source)).inserts).toContain('$__period_auto');
  });
});

describe('Logs Insights', () => {
  it('tokens', () => {
    expect(kinds(tokenizeLogs('fields @timestamp, `request id` | filter status like /5\\d\\d/ and x > 2.5 # errors\n| stats count(*) by bin(5m)'))).toEqual([
      [TokenKind.Keyword, 'fields'], [TokenKind.Field, '@timestamp'], [TokenKind.Delimiter, ','], [TokenKind.Field, '`request id`'],
      [TokenKind.Delimiter, '|'], [TokenKind.Keyword, 'filter'], [TokenKind.Identifier, 'status'], [TokenKind.Keyword, 'like'],
      [TokenKind.Regex, '/5\\d\\d/'], [TokenKind.Keyword, 'and'], [TokenKind.Identifier, 'x'], [TokenKind.Operator, '>'], [TokenKind.Number, '2.5'],
      [TokenKind.Comment, '# errors'], [TokenKind.Delimiter, '|'], [TokenKind.Keyword, 'stats'], [TokenKind.Function, 'count'],
      [TokenKind.Delimiter, '('], [TokenKind.Operator, '*'], [TokenKind.Delimiter, ')'], [TokenKind.Keyword, 'by'], [TokenKind.Function, 'bin'],
      [TokenKind.Delimiter, '('], [TokenKind.Number, '5'], [TokenKind.Identifier, 'm'], [TokenKind.Delimiter, ')'],
    ]);
    // A command name later in a stage is a field, and division is not a regex.
    expect(kinds(tokenizeLogs('fields limit / 2'))).toEqual([[TokenKind.Keyword, 'fields'], [TokenKind.Identifier, 'limit'], [TokenKind.Operator, '/'], [TokenKind.Number, '2']]);
  });

  it('completes commands, functions and the log groups fields', async () => {
    const { source, asked } = lookups();
    expect((await at(completeLogs, '|', source)).inserts).toEqual(LOGS_COMMANDS);
    expect((await at(completeLogs, 'fields @message | |', source)).inserts).toEqual(LOGS_COMMANDS);
    expect(await at(completeLogs, 'fields @message | st|', source)).toEqual({ replaced: 'st', inserts: LOGS_COMMANDS });
    const fields = await at(completeLogs, 'fields |', source);
    expect(fields.inserts).toEqual(expect.arrayContaining(['@timestamp', '@logStream', 'status', '`request id`', 'strlen(']));
    expect(asked).toContain('fields');
    expect(await at(completeLogs, 'filter @mess|', source)).toEqual({ replaced: '@mess', inserts: expect.arrayContaining(['@message', 'like']) });
    expect((await at(completeLogs, 'stats |', source)).inserts).toEqual(expect.arrayContaining(['count(', 'pct(', 'count_distinct(']));
    expect((await at(completeLogs, 'stats count(*) by |', source)).inserts).toEqual(expect.arrayContaining(['status', 'bin(']));
    expect((await at(completeLogs, 'sort @timestamp |', source)).inserts).toEqual(['asc', 'desc']);
  });
});
