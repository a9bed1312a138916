import React, { useEffect, useState } from 'react';
import { QueryEditorProps, SelectableValue } from '@grafana/data';
import {
  Button,
  InlineField,
  InlineFieldRow,
  InlineSwitch,
  Input,
  MultiSelect,
  RadioButtonGroup,
  Select,
  Stack,
  TextArea,
} from '@grafana/ui';

import { DataSource } from '../datasource';
import {
  CloudWatchQuery,
  DEFAULT_QUERY,
  Dimensions,
  MetricEditorMode,
  MetricQueryType,
  PERIODS,
  STANDARD_STATISTICS,
  StratusOptions,
} from '../types';

export type Props = QueryEditorProps<DataSource, CloudWatchQuery, StratusOptions>;

const QUERY_TYPES: Array<SelectableValue<MetricQueryType>> = [
  { label: 'Metric Search', value: MetricQueryType.Search },
  { label: 'Metrics Insights', value: MetricQueryType.Insights },
];

const EDITOR_MODES: Array<SelectableValue<MetricEditorMode>> = [
  { label: 'Builder', value: MetricEditorMode.Builder },
  { label: 'Code', value: MetricEditorMode.Code },
];

const toOptions = (values: string[]): Array<SelectableValue<string>> => values.map((v) => ({ label: v, value: v }));

/** Loads options whenever `deps` change; a failed lookup leaves the list empty (the field still accepts typed values). */
function useOptions(load: () => Promise<string[]>, deps: unknown[], enabled = true): Array<SelectableValue<string>> {
  const [options, setOptions] = useState<Array<SelectableValue<string>>>([]);
  useEffect(() => {
    let live = true;
    if (!enabled) {
      setOptions([]);
      return;
    }
    load()
      .then((values) => live && setOptions(toOptions(values)))
      .catch(() => live && setOptions([]));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return options;
}

/** The value(s) of a dimension as the editor shows them. */
const dimensionValues = (v: string | string[]): string[] => (Array.isArray(v) ? v : v ? [v] : []);

/** Stores one value as a string (the format older dashboards use) and several as a list. */
const storeValues = (values: string[]): string | string[] => (values.length === 1 ? values[0] : values);

interface DimensionRowProps {
  datasource: DataSource;
  query: CloudWatchQuery;
  dimKey: string;
  onChange: (dimensions: Dimensions) => void;
}

function DimensionRow({ datasource, query, dimKey, onChange }: DimensionRowProps) {
  const { region, namespace, metricName, dimensions } = query;
  const keyOptions = useOptions(
    () => datasource.getDimensionKeys(region, namespace, metricName, dimensions),
    [region, namespace, metricName, JSON.stringify(dimensions)],
    Boolean(namespace)
  );
  const valueOptions = useOptions(
    () => datasource.getDimensionValues(region, namespace, metricName, dimKey, dimensions),
    [region, namespace, metricName, dimKey, JSON.stringify(dimensions)],
    Boolean(namespace && dimKey)
  );
  const values = dimensionValues(dimensions[dimKey] ?? []);
  const rename = (next: string) => {
    const entries = Object.entries(dimensions).map(([k, v]): [string, string | string[]] => (k === dimKey ? [next, v] : [k, v]));
    onChange(Object.fromEntries(entries));
  };
  return (
    <InlineFieldRow>
      <InlineField label="Dimension" labelWidth={14}>
        <Select
          aria-label={`Dimension key ${dimKey || 'new'}`}
          width={24}
          allowCustomValue
          value={dimKey ? { label: dimKey, value: dimKey } : null}
          options={keyOptions}
          onChange={(o) => rename(o.value ?? '')}
        />
      </InlineField>
      <InlineField label="=" labelWidth={4}>
        <MultiSelect
          aria-label={`Dimension values ${dimKey}`}
          width={40}
          allowCustomValue
          value={values.map((v) => ({ label: v, value: v }))}
          options={[{ label: '* (any value)', value: '*' }, ...valueOptions]}
          onChange={(selected) => onChange({ ...dimensions, [dimKey]: storeValues(selected.map((s) => s.value ?? '')) })}
        />
      </InlineField>
      <Button
        aria-label={`Remove dimension ${dimKey}`}
        variant="secondary"
        icon="times"
        onClick={() => {
          const rest = { ...dimensions };
          delete rest[dimKey];
          onChange(rest);
        }}
      />
    </InlineFieldRow>
  );
}

/** The query editor: builder, code (metric math / SEARCH) and Metrics Insights, emitting Grafana's CloudWatch query JSON. */
export function QueryEditor({ datasource, query: rawQuery, onChange, onRunQuery }: Props) {
  const query: CloudWatchQuery = { ...DEFAULT_QUERY, ...rawQuery };
  const set = (patch: Partial<CloudWatchQuery>) => onChange({ ...query, ...patch });
  const setAndRun = (patch: Partial<CloudWatchQuery>) => {
    set(patch);
    onRunQuery();
  };

  const regions = useOptions(() => datasource.getRegions(), []);
  const namespaces = useOptions(() => datasource.getNamespaces(), []);
  const metrics = useOptions(
    () => datasource.getMetrics(query.region, query.namespace),
    [query.region, query.namespace],
    Boolean(query.namespace)
  );

  const isBuilder = query.metricQueryType === MetricQueryType.Search && query.metricEditorMode === MetricEditorMode.Builder;
  const isCode = query.metricQueryType === MetricQueryType.Search && query.metricEditorMode === MetricEditorMode.Code;
  const isInsights = query.metricQueryType === MetricQueryType.Insights;
  const statistics = toOptions(STANDARD_STATISTICS.includes(query.statistic) || !query.statistic ? STANDARD_STATISTICS : [...STANDARD_STATISTICS, query.statistic]);
  const periods = [{ label: 'auto', value: '' }, ...toOptions(PERIODS)];

  return (
    <Stack direction="column" gap={1}>
      <InlineFieldRow>
        <RadioButtonGroup options={QUERY_TYPES} value={query.metricQueryType} onChange={(v) => set({ metricQueryType: v })} size="sm" />
        {!isInsights && (
          <RadioButtonGroup options={EDITOR_MODES} value={query.metricEditorMode} onChange={(v) => set({ metricEditorMode: v })} size="sm" />
        )}
      </InlineFieldRow>

      <InlineFieldRow>
        <InlineField label="Region" labelWidth={14}>
          <Select
            aria-label="Region"
            width={24}
            allowCustomValue
            value={{ label: query.region, value: query.region }}
            options={regions}
            onChange={(o) => setAndRun({ region: o.value ?? 'default' })}
          />
        </InlineField>
      </InlineFieldRow>

      {isBuilder && (
        <>
          <InlineFieldRow>
            <InlineField label="Namespace" labelWidth={14}>
              <Select
                aria-label="Namespace"
                width={32}
                allowCustomValue
                value={query.namespace ? { label: query.namespace, value: query.namespace } : null}
                options={namespaces}
                onChange={(o) => set({ namespace: o.value ?? '', metricName: '', dimensions: {} })}
              />
            </InlineField>
            <InlineField label="Metric name" labelWidth={14}>
              <Select
                aria-label="Metric name"
                width={32}
                allowCustomValue
                value={query.metricName ? { label: query.metricName, value: query.metricName } : null}
                options={metrics}
                onChange={(o) => setAndRun({ metricName: o.value ?? '' })}
              />
            </InlineField>
            <InlineField label="Statistic" labelWidth={12} tooltip="Type an extended statistic such as p99, tm90 or PR(10:20).">
              <Select
                aria-label="Statistic"
                width={20}
                allowCustomValue
                value={{ label: query.statistic, value: query.statistic }}
                options={statistics}
                onChange={(o) => setAndRun({ statistic: o.value ?? 'Average' })}
              />
            </InlineField>
          </InlineFieldRow>
          {Object.keys(query.dimensions).map((key) => (
            <DimensionRow key={key} datasource={datasource} query={query} dimKey={key} onChange={(dimensions) => setAndRun({ dimensions })} />
          ))}
          <InlineFieldRow>
            <Button
              variant="secondary"
              icon="plus"
              size="sm"
              disabled={'' in query.dimensions}
              onClick={() => set({ dimensions: { ...query.dimensions, '': [] } })}
            >
              Add dimension
            </Button>
            <InlineField label="Match exact" labelWidth={14} tooltip="Only metrics with exactly these dimensions; off matches metrics with more dimensions too.">
              <InlineSwitch
                aria-label="Match exact"
                value={query.matchExact}
                onChange={(e) => setAndRun({ matchExact: e.currentTarget.checked })}
              />
            </InlineField>
          </InlineFieldRow>
        </>
      )}

      {isCode && (
        <InlineField label="Expression" labelWidth={14} grow tooltip="Metric math or SEARCH; $__period_auto becomes the automatic period.">
          <TextArea
            aria-label="Expression"
            rows={3}
            style={{ fontFamily: 'monospace' }}
            placeholder="SEARCH('{AWS/EC2,InstanceId} MetricName=&quot;CPUUtilization&quot;', 'Average', $__period_auto)"
            value={query.expression}
            onChange={(e) => set({ expression: e.currentTarget.value })}
            onBlur={onRunQuery}
          />
        </InlineField>
      )}

      {isInsights && (
        <InlineField label="SQL" labelWidth={14} grow>
          <TextArea
            aria-label="Metrics Insights SQL"
            rows={4}
            style={{ fontFamily: 'monospace' }}
            placeholder='SELECT AVG(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId)'
            value={query.sqlExpression}
            onChange={(e) => set({ sqlExpression: e.currentTarget.value })}
            onBlur={onRunQuery}
          />
        </InlineField>
      )}

      <InlineFieldRow>
        <InlineField label="Period" labelWidth={14} tooltip="auto picks from the time range; or seconds, or a duration such as 5m.">
          <Select
            aria-label="Period"
            width={16}
            allowCustomValue
            value={{ label: query.period || 'auto', value: query.period }}
            options={periods}
            onChange={(o) => setAndRun({ period: o.value ?? '' })}
          />
        </InlineField>
        <InlineField label="Label" labelWidth={10} tooltip="Dynamic labels work: ${PROP('Dim.InstanceId')}, ${LABEL}.">
          <Input aria-label="Label" width={32} value={query.label} onChange={(e) => set({ label: e.currentTarget.value })} onBlur={onRunQuery} />
        </InlineField>
        <InlineField label="Id" labelWidth={6} tooltip="For math expressions to reference; starts with a lowercase letter.">
          <Input aria-label="Id" width={16} value={query.id} onChange={(e) => set({ id: e.currentTarget.value })} onBlur={onRunQuery} />
        </InlineField>
      </InlineFieldRow>
    </Stack>
  );
}
