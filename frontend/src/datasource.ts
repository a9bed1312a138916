import {
  AnnotationSupport,
  CustomVariableSupport,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceInstanceSettings,
  ScopedVars,
} from '@grafana/data';
import { DataSourceWithBackend, getDataSourceSrv, getTemplateSrv } from '@grafana/runtime';
import { map, Observable, of } from 'rxjs';

import { AnnotationQueryEditor } from './components/AnnotationQueryEditor';
import { VariableQueryEditor } from './components/VariableQueryEditor';
import { interpolateAnnotation, interpolateLogs, interpolateMetrics, interpolateVariable } from './interpolate';
import { withTraceLinks, XrayTarget } from './links';
import { migrateVariableQuery, StoredVariableQuery } from './migrate';
import { forBackend, sendsQuery, utcOffset } from './send';
import {
  Account,
  AnnotationQuery,
  CloudWatchQuery,
  DEFAULT_ANNOTATION_QUERY,
  DEFAULT_QUERY,
  isAnnotationQuery,
  isLogsQuery,
  isVariableQuery,
  Dimensions,
  LogGroup,
  ResourceValue,
  StratusOptions,
  StratusQuery,
  VariableQuery,
} from './types';

/** Template variables run in the backend through QueryData, like every other query (Grafana's CustomVariableSupport). */
class StratusVariableSupport extends CustomVariableSupport<DataSource, VariableQuery> {
  editor = VariableQueryEditor;

  constructor(private readonly datasource: DataSource) {
    super();
  }

  query(request: DataQueryRequest<VariableQuery>): Observable<DataQueryResponse> {
    // Grafana hands over the variable's stored query as it is: a legacy string or an object of any age.
    const stored = request.targets[0] as unknown as StoredVariableQuery;
    const target = migrateVariableQuery(stored);
    return this.datasource.query({ ...request, targets: [{ ...target, refId: target.refId || 'variable' }] });
  }
}

/** Alarm annotations: stored annotations of any age become `queryMode: "Annotations"` queries the backend answers. */
const annotationSupport: AnnotationSupport<StratusQuery> = {
  QueryEditor: AnnotationQueryEditor,
  prepareAnnotation: (json) => {
    if (json.target) {
      return json;
    }
    // Old CloudWatch annotations kept the query at the top level, with a `statistics` list.
    const old = json as unknown as Partial<AnnotationQuery> & { statistics?: string[] };
    const target: AnnotationQuery = {
      ...DEFAULT_ANNOTATION_QUERY,
      refId: 'annotationQuery',
      region: old.region ?? DEFAULT_ANNOTATION_QUERY.region,
      namespace: old.namespace ?? '',
      metricName: old.metricName ?? '',
      dimensions: old.dimensions ?? {},
      statistic: old.statistic ?? old.statistics?.[0] ?? DEFAULT_ANNOTATION_QUERY.statistic,
      period: old.period ?? '',
      prefixMatching: old.prefixMatching ?? false,
      actionPrefix: old.actionPrefix ?? '',
      alarmNamePrefix: old.alarmNamePrefix ?? '',
    };
    return { ...json, target };
  },
  prepareQuery: (anno) => (anno.target ? { ...DEFAULT_ANNOTATION_QUERY, ...anno.target, queryMode: 'Annotations' } : undefined),
};

/** Frontend half of the data source: resource lookups and template variables; queries run in the backend. */
export class DataSource extends DataSourceWithBackend<StratusQuery, StratusOptions> {
  private readonly tracingUid?: string;
  private readonly defaultRegion: string;

  constructor(instanceSettings: DataSourceInstanceSettings<StratusOptions>) {
    super(instanceSettings);
    this.tracingUid = instanceSettings.jsonData.tracingDatasourceUid || undefined;
    this.defaultRegion = instanceSettings.jsonData.defaultRegion ?? '';
    this.variables = new StratusVariableSupport(this);
    this.annotations = annotationSupport;
  }

  getDefaultQuery(): Partial<CloudWatchQuery> {
    return DEFAULT_QUERY;
  }

  /** Grafana's CloudWatch rules for what is sent at all (see `sendsQuery`). */
  filterQuery(query: StratusQuery): boolean {
    return sendsQuery(query);
  }

  /**
   * Queries go to the backend as Grafana's CloudWatch sends them: only those it would send (Grafana's panel runner
   * filters too, other callers do not), marked as a panel's and metrics queries with the dashboard's UTC offset; none
   * at all is no round trip. Trace ids in logs answers link to the X-Ray data source the settings name.
   */
  query(request: DataQueryRequest<StratusQuery>): Observable<DataQueryResponse> {
    const offset = utcOffset(request.timezone);
    const targets = request.targets.filter((t) => sendsQuery(t)).map((t) => forBackend(t, offset));
    if (targets.length === 0) {
      return of({ data: [] });
    }
    const xray = this.xray();
    return super
      .query({ ...request, targets })
      .pipe(map((response) => withTraceLinks(response, request.targets, xray, this.defaultRegion)));
  }

  /** The X-Ray data source of `tracingDatasourceUid`, with its name when it still exists. */
  private xray(): XrayTarget | undefined {
    if (!this.tracingUid) {
      return undefined;
    }
    return { uid: this.tracingUid, name: getDataSourceSrv().getInstanceSettings(this.tracingUid)?.name };
  }

  applyTemplateVariables(query: StratusQuery, scopedVars: ScopedVars): StratusQuery {
    const srv = getTemplateSrv();
    if (isVariableQuery(query)) {
      return interpolateVariable(srv, scopedVars, query);
    }
    if (isAnnotationQuery(query)) {
      return interpolateAnnotation(srv, scopedVars, query);
    }
    if (isLogsQuery(query)) {
      return interpolateLogs(srv, scopedVars, query);
    }
    return interpolateMetrics(srv, scopedVars, query);
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

  getMetrics(region: string, namespace: string, accountId?: string): Promise<string[]> {
    return this.values('metrics', { region, namespace, accountId });
  }

  getDimensionKeys(region: string, namespace: string, metricName: string, dimensions: Dimensions, accountId?: string): Promise<string[]> {
    return this.values('dimension-keys', { region, namespace, metricName, dimensionFilters: JSON.stringify(dimensions), accountId });
  }

  getDimensionValues(
    region: string,
    namespace: string,
    metricName: string,
    dimensionKey: string,
    dimensions: Dimensions,
    accountId?: string
  ): Promise<string[]> {
    const others = Object.fromEntries(Object.entries(dimensions).filter(([k]) => k !== dimensionKey));
    return this.values('dimension-values', { region, namespace, metricName, dimensionKey, dimensionFilters: JSON.stringify(others), accountId });
  }

  /** Log groups whose names contain `pattern` (all when empty), up to 50. */
  async getLogGroups(region: string, pattern: string, accountId?: string): Promise<LogGroup[]> {
    const params = Object.fromEntries(
      Object.entries({ region, logGroupPattern: pattern, accountId }).filter(([, v]) => v !== undefined && v !== '')
    );
    const items: Array<{ value: { arn: string; name: string }; accountId?: string }> = await this.getResource('log-groups', params);
    return items.map((i) => ({ arn: i.value.arn, name: i.value.name, accountId: i.accountId }));
  }

  /** The fields of a log group's events, the most common first. */
  async getLogGroupFields(region: string, group: LogGroup): Promise<string[]> {
    const params = group.arn ? { region, logGroupARN: group.arn } : { region, logGroupName: group.name };
    const items: Array<{ value: { name: string } }> = await this.getResource('log-group-fields', params);
    return items.map((i) => i.value.name);
  }

  /** The monitoring account and its linked source accounts; none outside a monitoring account. */
  async getAccounts(region: string): Promise<Account[]> {
    const items: Array<{ value: Account }> = await this.getResource('accounts', region ? { region } : {});
    return items.map((i) => i.value);
  }
}
