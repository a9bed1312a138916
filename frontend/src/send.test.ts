import { describe, expect, it } from 'vitest';

import { forBackend, sendsQuery, utcOffset } from './send';
import { CloudWatchQuery, DEFAULT_LOGS_QUERY, DEFAULT_QUERY, LogsQuery, MetricEditorMode, MetricQueryType, VariableQuery, VariableQueryType } from './types';

const metrics = (fields: Partial<CloudWatchQuery>): CloudWatchQuery => ({ ...DEFAULT_QUERY, refId: 'A', ...fields });
const builder = metrics({ namespace: 'AWS/EC2', metricName: 'CPUUtilization', statistic: 'Average' });
const logs = (fields: Partial<LogsQuery>): LogsQuery => ({ ...DEFAULT_LOGS_QUERY, refId: 'L', ...fields });

// Mirrors grafana/grafana-cloudwatch-datasource's frontend rules for what is sent:
// src/datasource.ts filterQuery, src/utils/utils.ts filterMetricsQuery (tested in
// src/query-runner/CloudWatchMetricsQueryRunner.test.ts) and the logs runner's filterQuery.
describe('sendsQuery', () => {
  it('drops a hidden query nothing can reference: no id, or a logs query', () => {
    expect(sendsQuery({ ...builder, hide: true, id: '' })).toBe(false);
    expect(sendsQuery({ ...builder, hide: true, id: 'm1' })).toBe(true);
    expect(sendsQuery({ ...builder, hide: false, id: '' })).toBe(true);
    expect(sendsQuery(logs({ expression: 'fields @message', hide: true }))).toBe(false);
  });

  it('drops a builder query without namespace, metric or statistic', () => {
    expect(sendsQuery(builder)).toBe(true);
    expect(sendsQuery({ ...builder, namespace: '' })).toBe(false);
    expect(sendsQuery({ ...builder, metricName: '' })).toBe(false);
    expect(sendsQuery({ ...builder, statistic: '' })).toBe(false);
    // A legacy statistics list counts as a statistic (the backend reads it).
    expect(sendsQuery({ ...builder, statistic: '', statistics: ['Maximum'] } as CloudWatchQuery)).toBe(true);
  });

  it('drops Metrics Insights without SQL even when expression holds math, and code without an expression', () => {
    const insights = metrics({ metricQueryType: MetricQueryType.Insights, metricEditorMode: MetricEditorMode.Code });
    expect(sendsQuery({ ...insights, sqlExpression: '', expression: 'SUM(METRICS())' })).toBe(false);
    expect(sendsQuery({ ...insights, sqlExpression: 'SELECT AVG(CPUUtilization) FROM "AWS/EC2"' })).toBe(true);
    const code = metrics({ metricEditorMode: MetricEditorMode.Code });
    expect(sendsQuery({ ...code, expression: '' })).toBe(false);
    expect(sendsQuery({ ...code, expression: 'SUM(METRICS())' })).toBe(true);
  });

  it('reads a query stored before the editor had modes as Grafana migrates it', () => {
    const old = { refId: 'A', region: 'us-east-1', expression: 'SUM(METRICS())' } as unknown as CloudWatchQuery;
    expect(sendsQuery(old)).toBe(true);
    const oldBuilder = { refId: 'A', region: 'us-east-1', namespace: 'AWS/EC2', metricName: 'CPUUtilization', statistic: 'Average' } as unknown as CloudWatchQuery;
    expect(sendsQuery(oldBuilder)).toBe(true);
    const oldInsightsWithoutSql = { refId: 'A', metricQueryType: MetricQueryType.Insights, expression: 'x' } as unknown as CloudWatchQuery;
    expect(sendsQuery(oldInsightsWithoutSql)).toBe(false);
  });

  it('sends a query without a region: the default region answers it', () => {
    expect(sendsQuery({ ...builder, region: '' })).toBe(true);
  });

  it('drops a logs query without expression; sends variables and annotations as they are', () => {
    expect(sendsQuery(logs({ expression: '' }))).toBe(false);
    expect(sendsQuery(logs({ expression: 'fields @message' }))).toBe(true);
    expect(sendsQuery({ refId: 'V', queryType: VariableQueryType.Regions } as VariableQuery)).toBe(true);
  });
});

// Mirrors src/query-runner/CloudWatchMetricsQueryRunner.ts handleMetricQueries: every metrics
// target gets `type: 'timeSeriesQuery'` and the dashboard's `timezoneUTCOffset`.
describe('forBackend', () => {
  it("marks queries as a panel's and adds the dashboard's UTC offset to metrics", () => {
    expect(forBackend(builder, '+0130')).toMatchObject({ type: 'timeSeriesQuery', timezoneUTCOffset: '+0130', namespace: 'AWS/EC2' });
    const l = logs({ expression: 'fields @message' });
    expect(forBackend(l, '+0130')).toEqual({ ...l, type: 'logAction' });
    const v: VariableQuery = { refId: 'V', queryType: VariableQueryType.Regions, region: '' } as VariableQuery;
    expect(forBackend(v, '+0130')).toBe(v);
  });

  it("writes the offset as Grafana's CloudWatch does", () => {
    const summer = Date.UTC(2026, 6, 1);
    expect(utcOffset('utc', summer)).toBe('+0000');
    expect(utcOffset('Europe/Berlin', summer)).toBe('+0200');
    expect(utcOffset('Asia/Kolkata', summer)).toBe('+0530');
    expect(utcOffset('America/New_York', Date.UTC(2026, 0, 1))).toBe('-0500');
  });
});
