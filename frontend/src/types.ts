import type { DataQuery } from '@grafana/schema';
import type { AwsAuthDataSourceJsonData, AwsAuthDataSourceSecureJsonData } from '@grafana/aws-sdk';

/** Metric Search (builder and code) or Metrics Insights, as Grafana's CloudWatch numbers them. */
export enum MetricQueryType {
  Search = 0,
  Insights = 1,
}

/** Builder or code editing, as Grafana's CloudWatch numbers them. */
export enum MetricEditorMode {
  Builder = 0,
  Code = 1,
}

/** Dimension key to one value, several values, or "*". */
export type Dimensions = Record<string, string | string[]>;

/** Grafana's CloudWatch metrics query JSON, field for field, so queries round-trip. */
export interface CloudWatchQuery extends DataQuery {
  queryMode: 'Metrics';
  metricQueryType: MetricQueryType;
  metricEditorMode: MetricEditorMode;
  region: string;
  namespace: string;
  metricName: string;
  dimensions: Dimensions;
  statistic: string;
  period: string;
  matchExact: boolean;
  label: string;
  id: string;
  expression: string;
  sqlExpression: string;
  /** Grafana's Metrics Insights builder state, written beside `sqlExpression` (the backend reads only the SQL). */
  sql?: Record<string, unknown>;
  accountId?: string;
}

/** jsonData: Grafana's AWS keys plus Stratus's additions. */
export interface StratusOptions extends AwsAuthDataSourceJsonData {
  /** STS endpoint, separate from the CloudWatch `endpoint`. */
  stsEndpoint?: string;
  /** Comma-separated custom namespaces offered in the query editor. */
  customMetricsNamespaces?: string;
  /** How long a Logs Insights query may run before it is stopped (Grafana's key; 30m). */
  logsTimeout?: string;
  /** Logs Insights queries this data source runs at once (10). */
  logsConcurrentQueries?: number;
  /** The X-Ray data source trace ids in logs link to (Grafana's key). */
  tracingDatasourceUid?: string;
}

/** secureJsonData: keys, the session token of temporary credentials, the proxy password
 * (Grafana's key) and the PEM CA bundle a private endpoint needs. */
export interface StratusSecureOptions extends AwsAuthDataSourceSecureJsonData {
  sessionToken?: string;
  caBundle?: string;
}

/** A new query: what Grafana's CloudWatch editor starts from. */
export const DEFAULT_QUERY: Omit<CloudWatchQuery, 'refId'> = {
  queryMode: 'Metrics',
  metricQueryType: MetricQueryType.Search,
  metricEditorMode: MetricEditorMode.Builder,
  region: 'default',
  namespace: '',
  metricName: '',
  dimensions: {},
  statistic: 'Average',
  period: '',
  matchExact: true,
  label: '',
  id: '',
  expression: '',
  sqlExpression: '',
};

/** One `{value}` item of the resource routes. */
export interface ResourceValue {
  value: string;
}

/** One item of the `accounts` resource (cross-account observability). */
export interface Account {
  id: string;
  arn: string;
  label: string;
  isMonitoringAccount: boolean;
}

/** Grafana's CloudWatch variable query types (`queryType`). */
export enum VariableQueryType {
  Regions = 'regions',
  Namespaces = 'namespaces',
  Metrics = 'metrics',
  DimensionKeys = 'dimensionKeys',
  DimensionValues = 'dimensionValues',
  EBSVolumeIDs = 'ebsVolumeIDs',
  EC2InstanceAttributes = 'ec2InstanceAttributes',
  ResourceArns = 'resourceARNs',
  Statistics = 'statistics',
  LogGroups = 'logGroups',
  Accounts = 'accounts',
}

/** Filters by key: the values each may have; an empty list means any value. */
export type MultiFilters = Record<string, string[]>;

/** Grafana's CloudWatch VariableQuery, field for field, so stored variables round-trip. */
export interface VariableQuery extends DataQuery {
  queryType: VariableQueryType;
  region: string;
  namespace: string;
  metricName: string;
  dimensionKey: string;
  dimensionFilters: Dimensions;
  ec2Filters: MultiFilters;
  instanceID: string;
  attributeName: string;
  resourceType: string;
  tags: MultiFilters;
  logGroupPrefix?: string;
  accountId?: string;
}

/** The refId Grafana's CloudWatch gives variable queries. */
export const VARIABLE_REF_ID = 'CloudWatchVariableQueryEditor-VariableQuery';

/** A variable query before any field is set. */
export const DEFAULT_VARIABLE_QUERY: VariableQuery = {
  refId: VARIABLE_REF_ID,
  queryType: VariableQueryType.Regions,
  region: 'default',
  namespace: '',
  metricName: '',
  dimensionKey: '',
  dimensionFilters: {},
  ec2Filters: {},
  instanceID: '',
  attributeName: '',
  resourceType: '',
  tags: {},
};

/** Grafana's CloudWatch alarm annotation query. */
export interface AnnotationQuery extends DataQuery {
  queryMode: 'Annotations';
  region: string;
  namespace: string;
  metricName: string;
  dimensions: Dimensions;
  statistic: string;
  period: string;
  prefixMatching: boolean;
  actionPrefix: string;
  alarmNamePrefix: string;
}

/** An annotation query before any field is set. */
export const DEFAULT_ANNOTATION_QUERY: Omit<AnnotationQuery, 'refId'> = {
  queryMode: 'Annotations',
  region: 'default',
  namespace: '',
  metricName: '',
  dimensions: {},
  statistic: 'Average',
  period: '',
  prefixMatching: false,
  actionPrefix: '',
  alarmNamePrefix: '',
};

/** A log group as the `log-groups` resource lists it and Logs queries store it. */
export interface LogGroup {
  arn: string;
  name: string;
  accountId?: string;
}

/** Logs query languages: Logs Insights, OpenSearch SQL and PPL. */
export type LogsQueryLanguage = 'CWLI' | 'SQL' | 'PPL';

/** Grafana's CloudWatch Logs query, field for field. */
export interface LogsQuery extends DataQuery {
  queryMode: 'Logs';
  region: string;
  expression: string;
  logGroups: LogGroup[];
  /** The older form: log group names only. */
  logGroupNames?: string[];
  statsGroups?: string[];
  queryLanguage?: LogsQueryLanguage;
  id?: string;
}

/** A new Logs query. */
export const DEFAULT_LOGS_QUERY: Omit<LogsQuery, 'refId'> = {
  queryMode: 'Logs',
  region: 'default',
  expression: '',
  logGroups: [],
  queryLanguage: 'CWLI',
  id: '',
};

/** Any query the backend answers. */
export type StratusQuery = CloudWatchQuery | LogsQuery | AnnotationQuery | VariableQuery;

/** What a legacy target with several statistics kept; the backend asks for each. */
export interface LegacyStatistics {
  statistics?: string[];
}

/** Standard statistics offered in the editor; percentiles are typed in (p99, tm90, ...). */
export const STANDARD_STATISTICS = ['Average', 'Sum', 'Maximum', 'Minimum', 'SampleCount', 'IQM'];

/** Periods offered besides auto, in seconds. */
export const PERIODS = ['60', '300', '900', '3600', '21600', '86400'];

/** Grafana's page for the plugin, which shows its README (troubleshooting included). */
export const TROUBLESHOOTING_URL = '/plugins/stratus-cloudwatch-datasource';

const VARIABLE_TYPES = new Set<string>(Object.values(VariableQueryType));

/** Whether a query is a template variable's. */
export const isVariableQuery = (q: StratusQuery): q is VariableQuery => 'queryType' in q && VARIABLE_TYPES.has(String(q.queryType));

/** Whether a query is an alarm annotation's. */
export const isAnnotationQuery = (q: StratusQuery): q is AnnotationQuery => 'queryMode' in q && q.queryMode === 'Annotations';

/** Whether a query is a CloudWatch Logs one. */
export const isLogsQuery = (q: StratusQuery): q is LogsQuery => 'queryMode' in q && q.queryMode === 'Logs';

/** Whether a query is a CloudWatch metrics one (neither a variable's, an annotation's nor a logs one). */
export const isMetricsQuery = (q: StratusQuery): q is CloudWatchQuery => !isVariableQuery(q) && !isAnnotationQuery(q) && !isLogsQuery(q);
