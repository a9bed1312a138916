import React from 'react';
import { InlineField, Select } from '@grafana/ui';

import type { DataSource } from '../datasource';
import { PERIODS, STANDARD_STATISTICS } from '../types';
import { toOptions, useOptions } from './useOptions';

/** The option of a value, or none when it is empty. */
const current = (value: string) => (value ? { label: value, value } : null);

interface ValueProps {
  value: string;
  onChange: (value: string) => void;
}

/** The region: the data source's default or any region the account lists (or a `$variable`). */
export function RegionField({ datasource, value, onChange }: ValueProps & { datasource: DataSource }) {
  const regions = useOptions(() => datasource.getRegions(), []);
  return (
    <InlineField label="Region" labelWidth={14}>
      <Select aria-label="Region" width={24} allowCustomValue value={current(value || 'default')} options={regions} onChange={(o) => onChange(o.value ?? 'default')} />
    </InlineField>
  );
}

/** The namespace: AWS's and the data source's custom ones. */
export function NamespaceField({ datasource, value, onChange }: ValueProps & { datasource: DataSource }) {
  const namespaces = useOptions(() => datasource.getNamespaces(), []);
  return (
    <InlineField label="Namespace" labelWidth={14}>
      <Select aria-label="Namespace" width={32} allowCustomValue value={current(value)} options={namespaces} onChange={(o) => onChange(o.value ?? '')} />
    </InlineField>
  );
}

interface MetricProps extends ValueProps {
  datasource: DataSource;
  region: string;
  namespace: string;
  accountId?: string;
  /** Offers to leave the metric out. */
  optional?: boolean;
}

/** The metric of a namespace. */
export function MetricField({ datasource, region, namespace, accountId, value, onChange, optional }: MetricProps) {
  const metrics = useOptions(() => datasource.getMetrics(region, namespace, accountId), [region, namespace, accountId], Boolean(namespace));
  return (
    <InlineField label="Metric name" labelWidth={14}>
      <Select
        aria-label="Metric name"
        width={32}
        allowCustomValue
        isClearable={optional}
        value={current(value)}
        options={metrics}
        onChange={(o) => onChange(o?.value ?? '')}
      />
    </InlineField>
  );
}

/** The statistic: a standard one, or an extended one typed in. */
export function StatisticField({ value, onChange }: ValueProps) {
  const statistics = toOptions(STANDARD_STATISTICS.includes(value) || !value ? STANDARD_STATISTICS : [...STANDARD_STATISTICS, value]);
  return (
    <InlineField label="Statistic" labelWidth={12} tooltip="Type an extended statistic such as p99, tm90 or PR(10:20).">
      <Select aria-label="Statistic" width={20} allowCustomValue value={current(value)} options={statistics} onChange={(o) => onChange(o.value ?? 'Average')} />
    </InlineField>
  );
}

/** The period: auto (from the time range), seconds, or a duration such as 5m. */
export function PeriodField({ value, onChange, autoLabel = 'auto' }: ValueProps & { autoLabel?: string }) {
  const periods = [{ label: autoLabel, value: '' }, ...toOptions(PERIODS)];
  return (
    <InlineField label="Period" labelWidth={14} tooltip="Seconds, or a duration such as 5m.">
      <Select aria-label="Period" width={Math.max(16, autoLabel.length + 6)} allowCustomValue value={{ label: value || autoLabel, value }} options={periods} onChange={(o) => onChange(o.value ?? '')} />
    </InlineField>
  );
}
