import { ScopedVars } from '@grafana/data';
import type { TemplateSrv } from '@grafana/runtime';

import { AnnotationQuery, CloudWatchQuery, Dimensions, LegacyStatistics, LogGroup, LogsQuery, MultiFilters, VariableQuery } from './types';

/** What interpolation needs of Grafana's template service. */
export type Templates = Pick<TemplateSrv, 'replace'>;

/** A value with its variables replaced; a multi-value or "All" variable keeps Grafana's default format. */
const one = (srv: Templates, vars: ScopedVars, value: string | undefined): string => (value ? srv.replace(value, vars) : '');

/**
 * Every value a field stands for: a multi-value variable (or "All" without an all value) becomes one value each, as
 * Grafana's CloudWatch expands dimensions; "All" with the all value `*` stays `*`, a wildcard.
 */
export function expand(srv: Templates, vars: ScopedVars, value: string): string[] {
  return srv
    .replace(value, vars, 'pipe')
    .split('|')
    .filter((v) => v !== '');
}

function expandDimensions(srv: Templates, vars: ScopedVars, dimensions: Dimensions | undefined): Dimensions {
  const out: Dimensions = {};
  for (const [key, value] of Object.entries(dimensions ?? {})) {
    const values = (Array.isArray(value) ? value : [value]).flatMap((v) => expand(srv, vars, v));
    out[one(srv, vars, key)] = values.length === 1 ? values[0] : values;
  }
  return out;
}

function expandFilters(srv: Templates, vars: ScopedVars, filters: MultiFilters | undefined): MultiFilters {
  const out: MultiFilters = {};
  for (const [key, values] of Object.entries(filters ?? {})) {
    out[one(srv, vars, key)] = values.flatMap((v) => expand(srv, vars, v));
  }
  return out;
}

/**
 * A metrics query with the dashboard's variables in place. A multi-value statistic asks for each statistic, as the
 * legacy `statistics` list does; the backend splits it into one query per statistic.
 */
export function interpolateMetrics(srv: Templates, vars: ScopedVars, query: CloudWatchQuery): CloudWatchQuery & LegacyStatistics {
  const statistics = expand(srv, vars, query.statistic ?? '');
  const stat = statistics.length > 1 ? { statistic: '', statistics } : { statistic: statistics[0] ?? '' };
  return {
    ...query,
    ...stat,
    region: one(srv, vars, query.region) || 'default',
    namespace: one(srv, vars, query.namespace),
    metricName: one(srv, vars, query.metricName),
    period: one(srv, vars, query.period),
    label: one(srv, vars, query.label),
    id: one(srv, vars, query.id),
    expression: one(srv, vars, query.expression),
    sqlExpression: one(srv, vars, query.sqlExpression),
    accountId: query.accountId ? one(srv, vars, query.accountId) : undefined,
    dimensions: expandDimensions(srv, vars, query.dimensions),
  };
}

/**
 * A Logs query with the dashboard's variables in place. A log group that is a multi-value variable becomes one group
 * per value, as in Grafana's CloudWatch: a `logGroups` variable's values are ARNs, a custom one's may be names.
 */
export function interpolateLogs(srv: Templates, vars: ScopedVars, query: LogsQuery): LogsQuery {
  const groups: LogGroup[] = (query.logGroups ?? []).flatMap((g) => {
    const arns = g.arn ? expand(srv, vars, g.arn) : [];
    if (arns.length > 1 || (g.arn && g.arn !== arns[0])) {
      // A variable of log groups: its values are ARNs; the name is the ARN's last part.
      return arns.map((arn) => ({ arn, name: arn.split(':log-group:')[1]?.replace(/:\*?$/, '') ?? arn }));
    }
    const names = expand(srv, vars, g.name);
    return names.length > 1 ? names.map((name) => ({ arn: '', name })) : [{ ...g, name: names[0] ?? g.name }];
  });
  return {
    ...query,
    region: one(srv, vars, query.region) || 'default',
    expression: one(srv, vars, query.expression),
    logGroups: groups,
    logGroupNames: query.logGroupNames?.flatMap((n) => expand(srv, vars, n)),
  };
}

/** An annotation query with the dashboard's variables in place. */
export function interpolateAnnotation(srv: Templates, vars: ScopedVars, query: AnnotationQuery): AnnotationQuery {
  return {
    ...query,
    region: one(srv, vars, query.region) || 'default',
    namespace: one(srv, vars, query.namespace),
    metricName: one(srv, vars, query.metricName),
    statistic: one(srv, vars, query.statistic),
    period: one(srv, vars, query.period),
    actionPrefix: one(srv, vars, query.actionPrefix),
    alarmNamePrefix: one(srv, vars, query.alarmNamePrefix),
    dimensions: expandDimensions(srv, vars, query.dimensions),
  };
}

/**
 * A variable query with the other variables it uses in place. Instance ids keep Grafana's `{a,b}` format for several
 * values, which the backend reads as a list.
 */
export function interpolateVariable(srv: Templates, vars: ScopedVars, query: VariableQuery): VariableQuery {
  return {
    ...query,
    region: one(srv, vars, query.region) || 'default',
    namespace: one(srv, vars, query.namespace),
    metricName: one(srv, vars, query.metricName),
    dimensionKey: one(srv, vars, query.dimensionKey),
    instanceID: one(srv, vars, query.instanceID),
    attributeName: one(srv, vars, query.attributeName),
    resourceType: one(srv, vars, query.resourceType),
    logGroupPrefix: query.logGroupPrefix ? one(srv, vars, query.logGroupPrefix) : undefined,
    accountId: query.accountId ? one(srv, vars, query.accountId) : undefined,
    dimensionFilters: expandDimensions(srv, vars, query.dimensionFilters),
    ec2Filters: expandFilters(srv, vars, query.ec2Filters),
    tags: expandFilters(srv, vars, query.tags),
  };
}
