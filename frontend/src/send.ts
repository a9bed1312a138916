import { dateTimeFormat } from '@grafana/data';

import {
  CloudWatchQuery,
  isAnnotationQuery,
  isLogsQuery,
  isMetricsQuery,
  isVariableQuery,
  LogsQuery,
  MetricEditorMode,
  MetricQueryType,
  StratusQuery,
} from './types';

/** A metrics query as the query runner hands it to the backend: marked as a panel's query, with the dashboard's UTC offset. */
export type SentMetricsQuery = CloudWatchQuery & { type: 'timeSeriesQuery'; timezoneUTCOffset: string };

/**
 * A metrics query's kind and editor mode, defaulted as Grafana's dashboard migration defaults them for queries stored
 * before the editor had modes.
 */
function kind(q: CloudWatchQuery): { type: MetricQueryType; mode: MetricEditorMode } {
  const type = q.metricQueryType ?? MetricQueryType.Search;
  const defaultMode = type === MetricQueryType.Insights || q.expression ? MetricEditorMode.Code : MetricEditorMode.Builder;
  return { type, mode: q.metricEditorMode ?? defaultMode };
}

/** A legacy statistics list, which the backend still reads. */
const statistics = (q: CloudWatchQuery): string[] => (q as { statistics?: string[] }).statistics ?? [];

/**
 * Whether the query is sent at all, by Grafana's CloudWatch rules (`filterQuery`, `filterMetricsQuery` and the logs
 * runner's): a hidden query that nothing can reference (no `id`; logs queries are never referenced), a builder query
 * without namespace, metric or statistic, Metrics Insights without SQL (whatever `expression` holds), code without an
 * expression, and a logs query without one are not sent: the panel shows no data, and nothing is paid for. Unlike
 * Grafana, a query without a region is sent (the data source's default region answers it), and a builder query with a
 * legacy `statistics` list counts as having a statistic.
 */
export function sendsQuery(q: StratusQuery): boolean {
  if (isVariableQuery(q) || isAnnotationQuery(q)) {
    return true;
  }
  const referable = isMetricsQuery(q) && q.id !== '';
  if (q.hide === true && !referable) {
    return false;
  }
  if (isLogsQuery(q)) {
    return Boolean(q.expression);
  }
  const m = q as CloudWatchQuery;
  const { type, mode } = kind(m);
  if (type === MetricQueryType.Insights) {
    return Boolean(m.sqlExpression);
  }
  if (type === MetricQueryType.Search && mode === MetricEditorMode.Code) {
    return Boolean(m.expression);
  }
  if (type === MetricQueryType.Search && mode === MetricEditorMode.Builder) {
    return Boolean(m.namespace && m.metricName && (m.statistic || statistics(m).length));
  }
  return false;
}

/** The dashboard's UTC offset as Grafana's CloudWatch sends it (`+0130`), for the times in CloudWatch's labels. */
export function utcOffset(timezone: string | undefined, now: number = Date.now()): string {
  return dateTimeFormat(now, { timeZone: timezone, format: 'Z' }).replace(':', '');
}

/** A logs query as the query runner sends it: marked as a panel's, so the backend answers with rows for the logs view. */
export type SentLogsQuery = LogsQuery & { type: 'logAction' };

/**
 * A query as the query runner sends it, marked as a panel's query as Grafana's CloudWatch marks it (so the backend tells
 * it from an alert rule's): a metrics query `timeSeriesQuery` (a hidden one then only feeds math) with the dashboard's
 * UTC offset, a logs query `logAction`; others unchanged.
 */
export function forBackend(q: StratusQuery, timezoneUTCOffset: string): StratusQuery | SentMetricsQuery | SentLogsQuery {
  if (isLogsQuery(q)) {
    return { ...q, type: 'logAction' };
  }
  if (!isMetricsQuery(q)) {
    return q;
  }
  return { timezoneUTCOffset, ...q, type: 'timeSeriesQuery' };
}
