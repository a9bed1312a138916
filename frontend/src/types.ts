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
  accountId?: string;
}

/** jsonData: Grafana's AWS keys plus Stratus's additions. */
export interface StratusOptions extends AwsAuthDataSourceJsonData {
  /** STS endpoint, separate from the CloudWatch `endpoint`. */
  stsEndpoint?: string;
  /** Comma-separated custom namespaces offered in the query editor. */
  customMetricsNamespaces?: string;
}

/** secureJsonData: keys plus the session token of temporary credentials. */
export interface StratusSecureOptions extends AwsAuthDataSourceSecureJsonData {
  sessionToken?: string;
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

/** Standard statistics offered in the editor; percentiles are typed in (p99, tm90, ...). */
export const STANDARD_STATISTICS = ['Average', 'Sum', 'Maximum', 'Minimum', 'SampleCount', 'IQM'];

/** Periods offered besides auto, in seconds. */
export const PERIODS = ['60', '300', '900', '3600', '21600', '86400'];

/** Grafana's page for the plugin, which shows its README (troubleshooting included). */
export const TROUBLESHOOTING_URL = '/plugins/stratus-cloudwatch-datasource';
