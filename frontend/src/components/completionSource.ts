import type { DataQuery } from '@grafana/schema';
import { getTemplateSrv } from '@grafana/runtime';

import type { DataSource } from '../datasource';
import { CompletionSource } from '../languages/completion';
import { queryIdsOf } from '../languages/math';
import { LogGroup } from '../types';

/** Where a query looks things up: its region and account, its log groups, and the panel it is in. */
export interface CompletionScope {
  region: string;
  accountId?: string;
  logGroups?: LogGroup[];
  queries?: DataQuery[];
  refId: string;
}

/** The dashboard's template variables as `$name` (none outside a dashboard). */
function variables(): string[] {
  try {
    return getTemplateSrv()
      .getVariables()
      .map((v) => `$${v.name}`);
  } catch {
    return [];
  }
}

/** Completion's lookups: the data source's resource routes, which the backend caches, the same ones
 * the builders' pickers call. */
export function completionSource(ds: DataSource, scope: CompletionScope): CompletionSource {
  const { region, accountId } = scope;
  return {
    namespaces: () => ds.getNamespaces(),
    metrics: (namespace) => (namespace ? ds.getMetrics(region, namespace, accountId) : Promise.resolve([])),
    dimensionKeys: (namespace, metric) => (namespace ? ds.getDimensionKeys(region, namespace, metric, {}, accountId) : Promise.resolve([])),
    dimensionValues: (namespace, metric, key) =>
      namespace && key ? ds.getDimensionValues(region, namespace, metric, key, {}, accountId) : Promise.resolve([]),
    logFields: async () => {
      const each = await Promise.all((scope.logGroups ?? []).map((g) => ds.getLogGroupFields(region, g).catch(() => [])));
      return [...new Set(each.flat())];
    },
    queryIds: () => queryIdsOf((scope.queries ?? []) as Array<DataQuery & { id?: string }>, scope.refId),
    variables,
  };
}
