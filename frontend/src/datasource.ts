import { DataSourceInstanceSettings, ScopedVars } from '@grafana/data';
import { DataSourceWithBackend, getTemplateSrv } from '@grafana/runtime';

import { CloudWatchQuery, DEFAULT_QUERY, Dimensions, ResourceValue, StratusOptions } from './types';

/** Frontend half of the data source: resource lookups and template variables; queries run in the backend. */
export class DataSource extends DataSourceWithBackend<CloudWatchQuery, StratusOptions> {
  constructor(instanceSettings: DataSourceInstanceSettings<StratusOptions>) {
    super(instanceSettings);
  }

  getDefaultQuery(): Partial<CloudWatchQuery> {
    return DEFAULT_QUERY;
  }

  /** Hidden queries still feed math; only empty builder queries are skipped. */
  filterQuery(query: CloudWatchQuery): boolean {
    return Boolean(query.expression || query.sqlExpression || (query.namespace && query.metricName));
  }

  applyTemplateVariables(query: CloudWatchQuery, scopedVars: ScopedVars): CloudWatchQuery {
    const srv = getTemplateSrv();
    const replace = (s: string | undefined) => (s ? srv.replace(s, scopedVars) : s ?? '');
    const dimensions: Dimensions = {};
    for (const [key, value] of Object.entries(query.dimensions ?? {})) {
      const values = Array.isArray(value) ? value : [value];
      // Multi-value variables expand to several values, as Grafana's CloudWatch does.
      const expanded = values.flatMap((v) => srv.replace(v, scopedVars, 'pipe').split('|'));
      dimensions[replace(key)] = expanded.length === 1 ? expanded[0] : expanded;
    }
    return {
      ...query,
      region: replace(query.region) || 'default',
      namespace: replace(query.namespace),
      metricName: replace(query.metricName),
      period: replace(query.period),
      label: replace(query.label),
      expression: replace(query.expression),
      sqlExpression: replace(query.sqlExpression),
      dimensions,
    };
  }

  private async values(path: string, params: Record<string, string | undefined>): Promise<string[]> {
    const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined && v !== ''));
    const items: ResourceValue[] = await this.getResource(path, clean);
    return items.map((i) => i.value);
  }

  getRegions(): Promise<string[]> {
    return this.values('regions', {});
  }

  getNamespaces(): Promise<string[]> {
    return this.values('namespaces', {});
  }

  getMetrics(region: string, namespace: string): Promise<string[]> {
    return this.values('metrics', { region, namespace });
  }

  getDimensionKeys(region: string, namespace: string, metricName: string, dimensions: Dimensions): Promise<string[]> {
    return this.values('dimension-keys', { region, namespace, metricName, dimensionFilters: JSON.stringify(dimensions) });
  }

  getDimensionValues(region: string, namespace: string, metricName: string, dimensionKey: string, dimensions: Dimensions): Promise<string[]> {
    const others = Object.fromEntries(Object.entries(dimensions).filter(([k]) => k !== dimensionKey));
    return this.values('dimension-values', { region, namespace, metricName, dimensionKey, dimensionFilters: JSON.stringify(others) });
  }
}
