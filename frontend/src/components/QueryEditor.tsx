import React from 'react';
import { QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, InlineFieldRow, InlineSwitch, Input, RadioButtonGroup, Stack } from '@grafana/ui';

import type { DataSource } from '../datasource';
import { CloudWatchQuery, DEFAULT_LOGS_QUERY, DEFAULT_QUERY, LogsQuery, MetricEditorMode, MetricQueryType, StratusOptions, StratusQuery } from '../types';
import { AccountPicker } from './AccountPicker';
import { completionSource } from './completionSource';
import { DimensionsEditor } from './Dimensions';
import { MetricField, NamespaceField, PeriodField, RegionField, StatisticField } from './Fields';
import { LazyCodeField, LazyInsightsEditor } from './LazyEditors';
import { LogsQueryEditor } from './LogsQueryEditor';
import { QueryError } from './QueryError';

export type Props = QueryEditorProps<DataSource, StratusQuery, StratusOptions>;

type Mode = 'Metrics' | 'Logs';

const MODES: Array<SelectableValue<Mode>> = [
  { label: 'CloudWatch Metrics', value: 'Metrics' },
  { label: 'CloudWatch Logs', value: 'Logs' },
];

/** The query editor: CloudWatch Metrics or CloudWatch Logs; switching keeps the region. Explore opens on Logs when asked for logs. */
export function QueryEditor(props: Props) {
  const { query, onChange, datasource, onRunQuery, data, queries } = props;
  const mode: Mode = 'queryMode' in query && query.queryMode === 'Logs' ? 'Logs' : 'Metrics';
  const region = 'region' in query ? query.region : 'default';
  const switchTo = (next: Mode) => {
    if (next === mode) {
      return;
    }
    const fresh = next === 'Logs' ? DEFAULT_LOGS_QUERY : DEFAULT_QUERY;
    onChange({ ...fresh, refId: query.refId, region } as StratusQuery);
  };
  return (
    <Stack direction="column" gap={1}>
      <InlineFieldRow>
        <RadioButtonGroup aria-label="Query mode" options={MODES} value={mode} onChange={switchTo} size="sm" />
      </InlineFieldRow>
      {mode === 'Logs' ? (
        <LogsQueryEditor datasource={datasource} query={query as LogsQuery} onChange={onChange} onRunQuery={onRunQuery} queries={queries} />
      ) : (
        <MetricsQueryEditor {...props} />
      )}
      <QueryError data={data} refId={query.refId} />
    </Stack>
  );
}

const QUERY_TYPES: Array<SelectableValue<MetricQueryType>> = [
  { label: 'Metric Search', value: MetricQueryType.Search },
  { label: 'Metrics Insights', value: MetricQueryType.Insights },
];

const EDITOR_MODES: Array<SelectableValue<MetricEditorMode>> = [
  { label: 'Builder', value: MetricEditorMode.Builder },
  { label: 'Code', value: MetricEditorMode.Code },
];

/** The metrics editor: builder, code (metric math / SEARCH) and Metrics Insights (builder or SQL),
 * emitting Grafana's CloudWatch query JSON. */
function MetricsQueryEditor({ datasource, query: rawQuery, onChange, onRunQuery, queries }: Props) {
  // Panels only hold metrics queries; whatever else a stored query carries is kept.
  const query: CloudWatchQuery = { ...DEFAULT_QUERY, ...(rawQuery as Partial<CloudWatchQuery>), queryMode: 'Metrics', refId: rawQuery.refId };
  const set = (patch: Partial<CloudWatchQuery>) => onChange({ ...query, ...patch });
  const setAndRun = (patch: Partial<CloudWatchQuery>) => {
    set(patch);
    onRunQuery();
  };

  const isBuilder = query.metricQueryType === MetricQueryType.Search && query.metricEditorMode === MetricEditorMode.Builder;
  const isCode = query.metricQueryType === MetricQueryType.Search && query.metricEditorMode === MetricEditorMode.Code;
  const isInsights = query.metricQueryType === MetricQueryType.Insights;
  const source = completionSource(datasource, { region: query.region, accountId: query.accountId, queries, refId: query.refId });

  return (
    <Stack direction="column" gap={1}>
      <InlineFieldRow>
        <RadioButtonGroup options={QUERY_TYPES} value={query.metricQueryType} onChange={(v) => set({ metricQueryType: v })} size="sm" />
        <RadioButtonGroup options={EDITOR_MODES} value={query.metricEditorMode} onChange={(v) => set({ metricEditorMode: v })} size="sm" />
      </InlineFieldRow>

      <InlineFieldRow>
        <RegionField datasource={datasource} value={query.region} onChange={(region) => setAndRun({ region })} />
        {!isInsights && (
          <AccountPicker datasource={datasource} region={query.region} accountId={query.accountId} onChange={(accountId) => setAndRun({ accountId })} />
        )}
      </InlineFieldRow>

      {isBuilder && (
        <>
          <InlineFieldRow>
            <NamespaceField datasource={datasource} value={query.namespace} onChange={(namespace) => set({ namespace, metricName: '', dimensions: {} })} />
            <MetricField
              datasource={datasource}
              region={query.region}
              namespace={query.namespace}
              accountId={query.accountId}
              value={query.metricName}
              onChange={(metricName) => setAndRun({ metricName })}
            />
            <StatisticField value={query.statistic} onChange={(statistic) => setAndRun({ statistic })} />
          </InlineFieldRow>
          <DimensionsEditor
            datasource={datasource}
            scope={query}
            dimensions={query.dimensions}
            // A new row has no key yet: nothing to run.
            onChange={(dimensions) => ('' in dimensions ? set({ dimensions }) : setAndRun({ dimensions }))}
          >
            <InlineField label="Match exact" labelWidth={14} tooltip="Only metrics with exactly these dimensions; off matches metrics with more dimensions too.">
              <InlineSwitch
                aria-label="Match exact"
                value={query.matchExact}
                onChange={(e) => setAndRun({ matchExact: e.currentTarget.checked })}
              />
            </InlineField>
          </DimensionsEditor>
        </>
      )}

      {isCode && (
        <InlineField
          label="Expression"
          labelWidth={14}
          grow
          tooltip="Metric math or SEARCH, for example SEARCH('{AWS/EC2,InstanceId} MetricName=&quot;CPUUtilization&quot;', 'Average', $__period_auto). Ctrl+Space suggests; Shift+Enter runs."
        >
          <LazyCodeField
            language="math"
            label="Expression"
            value={query.expression}
            onChange={(expression) => set({ expression })}
            onRunQuery={onRunQuery}
            source={source}
          />
        </InlineField>
      )}

      {isInsights && <LazyInsightsEditor datasource={datasource} query={query} onChange={set} onRunQuery={onRunQuery} source={source} />}

      <InlineFieldRow>
        <PeriodField value={query.period} onChange={(period) => setAndRun({ period })} />
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
