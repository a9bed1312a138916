import React from 'react';
import { QueryEditorProps } from '@grafana/data';
import { InlineField, InlineFieldRow, InlineSwitch, Input, Stack } from '@grafana/ui';

import type { DataSource } from '../datasource';
import { AnnotationQuery, DEFAULT_ANNOTATION_QUERY, StratusOptions, StratusQuery } from '../types';
import { DimensionsEditor } from './Dimensions';
import { MetricField, NamespaceField, PeriodField, RegionField, StatisticField } from './Fields';

export type Props = QueryEditorProps<DataSource, StratusQuery, StratusOptions>;

/**
 * The alarm annotation editor: the alarms on a metric (namespace, metric, dimensions, statistic, period), or with
 * prefix matching the alarms whose names and actions start so, narrowed by whatever metric fields are set.
 */
export function AnnotationQueryEditor({ datasource, query: rawQuery, onChange }: Props) {
  const query: AnnotationQuery = {
    ...DEFAULT_ANNOTATION_QUERY,
    ...(rawQuery as Partial<AnnotationQuery>),
    queryMode: 'Annotations',
    refId: rawQuery.refId || 'annotationQuery',
  };
  const set = (patch: Partial<AnnotationQuery>) => onChange({ ...query, ...patch });

  return (
    <Stack direction="column" gap={1}>
      <InlineFieldRow>
        <RegionField datasource={datasource} value={query.region} onChange={(region) => set({ region })} />
        <NamespaceField datasource={datasource} value={query.namespace} onChange={(namespace) => set({ namespace, metricName: '', dimensions: {} })} />
        <MetricField
          datasource={datasource}
          region={query.region}
          namespace={query.namespace}
          value={query.metricName}
          optional={query.prefixMatching}
          onChange={(metricName) => set({ metricName })}
        />
      </InlineFieldRow>
      <InlineFieldRow>
        <StatisticField value={query.statistic} onChange={(statistic) => set({ statistic })} />
        <PeriodField
          value={query.period}
          autoLabel={query.prefixMatching ? 'any' : '300 (default)'}
          onChange={(period) => set({ period })}
        />
      </InlineFieldRow>
      <DimensionsEditor datasource={datasource} scope={query} dimensions={query.dimensions} onChange={(dimensions) => set({ dimensions })} />
      <InlineFieldRow>
        <InlineField
          label="Prefix matching"
          labelWidth={18}
          tooltip="Alarms by name and action prefix (DescribeAlarms) instead of the alarms on one metric; the metric fields above narrow them."
        >
          <InlineSwitch aria-label="Prefix matching" value={query.prefixMatching} onChange={(e) => set({ prefixMatching: e.currentTarget.checked })} />
        </InlineField>
      </InlineFieldRow>
      {query.prefixMatching && (
        <InlineFieldRow>
          <InlineField label="Action prefix" labelWidth={18} tooltip="e.g. arn:aws:sns:us-east-1:123456789012:ops">
            <Input aria-label="Action prefix" width={44} value={query.actionPrefix} onChange={(e) => set({ actionPrefix: e.currentTarget.value })} />
          </InlineField>
          <InlineField label="Alarm name prefix" labelWidth={18}>
            <Input aria-label="Alarm name prefix" width={24} value={query.alarmNamePrefix} onChange={(e) => set({ alarmNamePrefix: e.currentTarget.value })} />
          </InlineField>
        </InlineFieldRow>
      )}
    </Stack>
  );
}
