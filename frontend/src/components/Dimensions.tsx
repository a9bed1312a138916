import React from 'react';
import { Button, InlineField, InlineFieldRow, MultiSelect, Select } from '@grafana/ui';

import type { DataSource } from '../datasource';
import { Dimensions } from '../types';
import { useOptions } from './useOptions';

/** Where dimension keys and values are looked up. */
export interface MetricScope {
  region: string;
  namespace: string;
  metricName: string;
  accountId?: string;
}

/** The value(s) of a dimension as the editor shows them. */
const dimensionValues = (v: string | string[]): string[] => (Array.isArray(v) ? v : v ? [v] : []);

/** Stores one value as a string (the format older dashboards use) and several as a list. */
const storeValues = (values: string[]): string | string[] => (values.length === 1 ? values[0] : values);

interface RowProps {
  datasource: DataSource;
  scope: MetricScope;
  dimensions: Dimensions;
  dimKey: string;
  onChange: (dimensions: Dimensions) => void;
}

function DimensionRow({ datasource, scope, dimensions, dimKey, onChange }: RowProps) {
  const { region, namespace, metricName, accountId } = scope;
  const keyOptions = useOptions(
    () => datasource.getDimensionKeys(region, namespace, metricName, dimensions, accountId),
    [region, namespace, metricName, accountId, JSON.stringify(dimensions)],
    Boolean(namespace)
  );
  const valueOptions = useOptions(
    () => datasource.getDimensionValues(region, namespace, metricName, dimKey, dimensions, accountId),
    [region, namespace, metricName, accountId, dimKey, JSON.stringify(dimensions)],
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

interface Props {
  datasource: DataSource;
  scope: MetricScope;
  dimensions: Dimensions;
  onChange: (dimensions: Dimensions) => void;
  /** Shown beside the add button. */
  children?: React.ReactNode;
  addLabel?: string;
}

/** Dimension rows with keys and values from the data source's lookups, and a button to add one. */
export function DimensionsEditor({ datasource, scope, dimensions, onChange, children, addLabel = 'Add dimension' }: Props) {
  return (
    <>
      {Object.keys(dimensions).map((key) => (
        <DimensionRow key={key} datasource={datasource} scope={scope} dimensions={dimensions} dimKey={key} onChange={onChange} />
      ))}
      <InlineFieldRow>
        <Button variant="secondary" icon="plus" size="sm" disabled={'' in dimensions} onClick={() => onChange({ ...dimensions, '': [] })}>
          {addLabel}
        </Button>
        {children}
      </InlineFieldRow>
    </>
  );
}
