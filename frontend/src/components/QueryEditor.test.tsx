import React, { useState } from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { InGrafana } from '../../tests/grafana';
import { DataSource } from '../datasource';
import { CloudWatchQuery, DEFAULT_QUERY, MetricEditorMode, MetricQueryType } from '../types';
import { QueryEditor } from './QueryEditor';

/** A data source whose resource calls are recorded and answered from a table. */
function fakeDataSource() {
  const answers: Record<string, string[]> = {
    regions: ['default', 'eu-west-1', 'us-east-1'],
    namespaces: ['AWS/EC2', 'App/Orders'],
    metrics: ['CPUUtilization', 'NetworkIn'],
    'dimension-keys': ['InstanceId', 'AutoScalingGroupName'],
    'dimension-values': ['i-1', 'i-2'],
  };
  const getResource = vi.fn(async (path: string) => (answers[path] ?? []).map((value) => ({ value })));
  const ds = Object.create(DataSource.prototype) as DataSource;
  (ds as unknown as { getResource: typeof getResource }).getResource = getResource;
  return { ds, getResource };
}

function Editor({ ds, initial, onChange }: { ds: DataSource; initial: CloudWatchQuery; onChange: (q: CloudWatchQuery) => void }) {
  const [query, setQuery] = useState(initial);
  return (
    <InGrafana>
      <QueryEditor
        datasource={ds}
        query={query}
        onChange={(q) => {
          setQuery(q);
          onChange(q);
        }}
        onRunQuery={() => undefined}
      />
    </InGrafana>
  );
}

function setup(initial: Partial<CloudWatchQuery> = {}) {
  const { ds, getResource } = fakeDataSource();
  const onChange = vi.fn<(q: CloudWatchQuery) => void>();
  render(<Editor ds={ds} initial={{ ...DEFAULT_QUERY, refId: 'A', ...initial }} onChange={onChange} />);
  const last = () => onChange.mock.calls[onChange.mock.calls.length - 1][0];
  return { getResource, last };
}

async function pick(label: string, option: string) {
  await userEvent.click(screen.getByLabelText(label));
  await userEvent.click(await screen.findByText(option, { selector: 'span' }));
}

describe('QueryEditor', () => {
  it('builds a builder query with Grafana CloudWatch JSON and calls the right resources', async () => {
    const { getResource, last } = setup();
    await waitFor(() => expect(getResource).toHaveBeenCalledWith('regions', {}));
    expect(getResource).toHaveBeenCalledWith('namespaces', {});
    await pick('Region', 'eu-west-1');
    await pick('Namespace', 'AWS/EC2');
    await waitFor(() => expect(getResource).toHaveBeenCalledWith('metrics', { region: 'eu-west-1', namespace: 'AWS/EC2' }));
    await pick('Metric name', 'CPUUtilization');
    await pick('Statistic', 'Maximum');
    await userEvent.click(screen.getByRole('button', { name: 'Add dimension' }));
    await pick('Dimension key new', 'InstanceId');
    await waitFor(() =>
      expect(getResource).toHaveBeenCalledWith('dimension-values', {
        region: 'eu-west-1',
        namespace: 'AWS/EC2',
        metricName: 'CPUUtilization',
        dimensionKey: 'InstanceId',
        dimensionFilters: '{}',
      })
    );
    await pick('Dimension values InstanceId', 'i-1');
    await pick('Dimension values InstanceId', 'i-2');
    await pick('Period', '300');
    await userEvent.type(screen.getByLabelText('Label'), 'cpu');
    expect(last()).toEqual({
      refId: 'A',
      queryMode: 'Metrics',
      metricQueryType: MetricQueryType.Search,
      metricEditorMode: MetricEditorMode.Builder,
      region: 'eu-west-1',
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      dimensions: { InstanceId: ['i-1', 'i-2'] },
      statistic: 'Maximum',
      period: '300',
      matchExact: true,
      label: 'cpu',
      id: '',
      expression: '',
      sqlExpression: '',
    });
  });

  it('keeps a single dimension value as a string and offers the wildcard', async () => {
    const { last } = setup({ namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensions: { InstanceId: 'i-1' } });
    await userEvent.click(screen.getByLabelText('Match exact'));
    expect(last().matchExact).toBe(false);
    expect(last().dimensions).toEqual({ InstanceId: 'i-1' });
    await pick('Dimension values InstanceId', '* (any value)');
    expect(last().dimensions).toEqual({ InstanceId: ['i-1', '*'] });
  });

  it('accepts a typed percentile statistic', async () => {
    const { last } = setup({ namespace: 'AWS/EC2', metricName: 'CPUUtilization' });
    await userEvent.click(screen.getByLabelText('Statistic'));
    await userEvent.keyboard('p99.9{Enter}');
    expect(last().statistic).toBe('p99.9');
  });

  it('writes code-mode expressions and Metrics Insights SQL', async () => {
    const { last } = setup();
    await userEvent.click(screen.getByText('Code'));
    expect(last().metricEditorMode).toBe(MetricEditorMode.Code);
    await userEvent.type(screen.getByLabelText('Expression'), 'SUM(METRICS())');
    expect(last().expression).toBe('SUM(METRICS())');
    await userEvent.click(screen.getByText('Metrics Insights'));
    expect(last().metricQueryType).toBe(MetricQueryType.Insights);
    await userEvent.type(screen.getByLabelText('Metrics Insights SQL'), 'SELECT 1');
    expect(last().sqlExpression).toBe('SELECT 1');
  });
});
