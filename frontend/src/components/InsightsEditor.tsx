import React from 'react';
import { SelectableValue } from '@grafana/data';
import { Alert, Button, InlineField, InlineFieldRow, InlineSwitch, Input, MultiSelect, Select, Stack } from '@grafana/ui';

import type { DataSource } from '../datasource';
import { AGGREGATIONS, Aggregation } from '../languages/insights';
import { CompletionSource } from '../languages/completion';
import { EMPTY_INSIGHTS, InsightsFilter, InsightsQuery, parseInsights, printInsights, toGrafanaSql } from '../insightsQuery';
import { CloudWatchQuery, MetricEditorMode } from '../types';
import { LazyCodeField } from './LazyEditors';
import { useOptions } from './useOptions';

export interface InsightsEditorProps {
  datasource: DataSource;
  query: CloudWatchQuery;
  onChange: (patch: Partial<CloudWatchQuery>) => void;
  onRunQuery: () => void;
  source: CompletionSource;
}

const AGGREGATION_OPTIONS: Array<SelectableValue<Aggregation>> = AGGREGATIONS.map((a) => ({ label: a, value: a }));
const OPERATORS: Array<SelectableValue<'=' | '!='>> = [
  { label: '=', value: '=' },
  { label: '!=', value: '!=' },
];
const DIRECTIONS: Array<SelectableValue<'ASC' | 'DESC' | ''>> = [
  { label: 'default', value: '' },
  { label: 'ASC', value: 'ASC' },
  { label: 'DESC', value: 'DESC' },
];
const option = (value: string) => (value ? { label: value, value } : null);

/** Metrics Insights: the builder, or the SQL in a code editor. The builder opens only what it can show
 * without loss; anything else stays in code with the reason. */
export default function InsightsEditor({ datasource, query, onChange, onRunQuery, source }: InsightsEditorProps) {
  const parsed = query.sqlExpression.trim() ? parseInsights(query.sqlExpression) : ({ ok: true, query: EMPTY_INSIGHTS } as const);
  const wantsBuilder = query.metricEditorMode === MetricEditorMode.Builder;

  if (wantsBuilder && parsed.ok) {
    const complete = (q: InsightsQuery) => Boolean(q.metric && q.source.namespace);
    const update = (q: InsightsQuery) => {
      onChange({ sqlExpression: printInsights(q), sql: toGrafanaSql(q) });
      if (complete(q)) {
        onRunQuery();
      }
    };
    return <InsightsBuilder datasource={datasource} region={query.region} q={parsed.query} update={update} />;
  }
  return (
    <Stack direction="column" gap={1}>
      {wantsBuilder && !parsed.ok && (
        <Alert title="The builder cannot show this query" severity="info" aria-label="Builder note">
          {parsed.reason} It stays in code; edit it here, or clear it to start again in the builder.
        </Alert>
      )}
      <InlineField label="SQL" labelWidth={14} grow>
        <LazyCodeField
          language="insights"
          label="Metrics Insights SQL"
          value={query.sqlExpression}
          onChange={(sqlExpression) => onChange({ sqlExpression })}
          onRunQuery={onRunQuery}
          source={source}
          height={90}
        />
      </InlineField>
    </Stack>
  );
}

interface BuilderProps {
  datasource: DataSource;
  region: string;
  q: InsightsQuery;
  update: (q: InsightsQuery) => void;
}

function InsightsBuilder({ datasource, region, q, update }: BuilderProps) {
  const namespace = q.source.namespace;
  const namespaces = useOptions(() => datasource.getNamespaces(), []);
  const metrics = useOptions(() => datasource.getMetrics(region, namespace), [region, namespace], Boolean(namespace));
  const keys = useOptions(() => datasource.getDimensionKeys(region, namespace, q.metric, {}), [region, namespace, q.metric], Boolean(namespace));
  const set = (patch: Partial<InsightsQuery>) => update({ ...q, ...patch });
  const setFilter = (i: number, patch: Partial<InsightsFilter>) => set({ filters: q.filters.map((f, j) => (j === i ? { ...f, ...patch } : f)) });
  const schemaKeys = q.source.kind === 'schema' ? q.source.keys : [];

  return (
    <Stack direction="column" gap={1}>
      <InlineFieldRow>
        <InlineField label="Namespace" labelWidth={14}>
          <Select
            aria-label="Insights namespace"
            width={32}
            allowCustomValue
            value={option(namespace)}
            options={namespaces}
            onChange={(o) => set({ source: { ...q.source, namespace: o.value ?? '' }, metric: '' })}
          />
        </InlineField>
        <InlineField label="Match exact" labelWidth={14} tooltip="SCHEMA(...): only metrics with exactly these dimension keys.">
          <InlineSwitch
            aria-label="Insights match exact"
            value={q.source.kind === 'schema'}
            onChange={(e) => set({ source: e.currentTarget.checked ? { kind: 'schema', namespace, keys: [] } : { kind: 'namespace', namespace } })}
          />
        </InlineField>
        {q.source.kind === 'schema' && (
          <InlineField label="Schema keys" labelWidth={14}>
            <KeyList label="Schema keys" keys={keys} value={schemaKeys} onChange={(chosen) => set({ source: { kind: 'schema', namespace, keys: chosen } })} />
          </InlineField>
        )}
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField label="Aggregation" labelWidth={14}>
          <Select aria-label="Aggregation" width={16} value={q.aggregation} options={AGGREGATION_OPTIONS} onChange={(o: SelectableValue<Aggregation>) => set({ aggregation: o.value ?? 'AVG' })} />
        </InlineField>
        <InlineField label="Metric name" labelWidth={14}>
          <Select aria-label="Insights metric" width={32} allowCustomValue value={option(q.metric)} options={metrics} onChange={(o) => set({ metric: o.value ?? '' })} />
        </InlineField>
      </InlineFieldRow>
      {q.filters.map((f, i) => (
        <InlineFieldRow key={i}>
          <InlineField label={i === 0 ? 'Filter' : 'AND'} labelWidth={14}>
            <Select aria-label={`Filter ${i + 1} key`} width={24} allowCustomValue value={option(f.key)} options={keys} onChange={(o) => setFilter(i, { key: o.value ?? '' })} />
          </InlineField>
          <Select aria-label={`Filter ${i + 1} operator`} width={8} value={f.operator} options={OPERATORS} onChange={(o) => setFilter(i, { operator: o.value ?? '=' })} />
          <FilterValue datasource={datasource} region={region} q={q} filter={f} onChange={(value) => setFilter(i, { value })} index={i} />
          <Button aria-label={`Remove filter ${i + 1}`} variant="secondary" icon="times" onClick={() => set({ filters: q.filters.filter((_, j) => j !== i) })} />
        </InlineFieldRow>
      ))}
      <InlineFieldRow>
        <Button variant="secondary" icon="plus" size="sm" onClick={() => set({ filters: [...q.filters, { key: '', operator: '=', value: '' }] })}>
          Add filter
        </Button>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField label="Group by" labelWidth={14}>
          <KeyList label="Group by" keys={keys} value={q.groupBy} onChange={(groupBy) => set({ groupBy })} />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField label="Order by" labelWidth={14}>
          <Select
            aria-label="Order by"
            width={16}
            isClearable
            value={q.orderBy?.aggregation ?? null}
            options={AGGREGATION_OPTIONS}
            onChange={(o: SelectableValue<Aggregation> | null) => set({ orderBy: o?.value ? { ...q.orderBy, aggregation: o.value } : undefined })}
          />
        </InlineField>
        {q.orderBy && (
          <Select
            aria-label="Direction"
            width={12}
            value={q.orderBy.direction ?? ''}
            options={DIRECTIONS}
            onChange={(o: SelectableValue<'ASC' | 'DESC' | ''>) => set({ orderBy: { aggregation: q.orderBy!.aggregation, ...(o.value ? { direction: o.value } : {}) } })}
          />
        )}
        <InlineField label="Limit" labelWidth={8}>
          <Input
            aria-label="Limit"
            width={10}
            type="number"
            min={1}
            value={q.limit ?? ''}
            onChange={(e) => {
              const n = parseInt(e.currentTarget.value, 10);
              set({ limit: Number.isFinite(n) && n > 0 ? n : undefined });
            }}
          />
        </InlineField>
      </InlineFieldRow>
    </Stack>
  );
}

interface KeyListProps {
  label: string;
  keys: Array<SelectableValue<string>>;
  value: string[];
  onChange: (keys: string[]) => void;
}

/** Dimension keys chosen from the lookup or typed in (SCHEMA keys, GROUP BY). */
function KeyList({ label, keys, value, onChange }: KeyListProps) {
  return (
    <MultiSelect
      aria-label={label}
      width={40}
      allowCustomValue
      value={value.map((k) => ({ label: k, value: k }))}
      options={keys}
      onChange={(chosen) => onChange(chosen.flatMap((o) => (o.value ? [o.value] : [])))}
    />
  );
}

interface FilterValueProps {
  datasource: DataSource;
  region: string;
  q: InsightsQuery;
  filter: InsightsFilter;
  index: number;
  onChange: (value: string) => void;
}

/** A filter's value: the key's values from the lookup, or one typed in (a `$variable`, say). */
function FilterValue({ datasource, region, q, filter, index, onChange }: FilterValueProps) {
  const values = useOptions(
    () => datasource.getDimensionValues(region, q.source.namespace, q.metric, filter.key, {}),
    [region, q.source.namespace, q.metric, filter.key],
    Boolean(q.source.namespace && filter.key)
  );
  return <Select aria-label={`Filter ${index + 1} value`} width={28} allowCustomValue value={option(filter.value)} options={values} onChange={(o) => onChange(o.value ?? '')} />;
}
