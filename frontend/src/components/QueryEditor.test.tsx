import React, { useState } from 'react';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { InGrafana } from '../../tests/grafana';
import { DataSource } from '../datasource';
import { fakeDataSource, LINKED } from '../../tests/fakeDataSource';
import { Account, CloudWatchQuery, DEFAULT_QUERY, MetricEditorMode, MetricQueryType } from '../types';
import { QueryEditor } from './QueryEditor';

function Editor({ ds, initial, onChange }: { ds: DataSource; initial: CloudWatchQuery; onChange: (q: CloudWatchQuery) => void }) {
  const [query, setQuery] = useState(initial);
  return (
    <InGrafana>
      <QueryEditor
        datasource={ds}
        query={query}
        onChange={(q) => {
          // The metrics editor only ever emits metrics queries.
          setQuery(q as CloudWatchQuery);
          onChange(q as CloudWatchQuery);
        }}
        onRunQuery={() => undefined}
      />
    </InGrafana>
  );
}

function setup(initial: Partial<CloudWatchQuery> = {}, accounts: Account[] = []) {
  const { ds, getResource } = fakeDataSource(accounts);
  const onChange = vi.fn<(q: CloudWatchQuery) => void>();
  render(<Editor ds={ds} initial={{ ...DEFAULT_QUERY, refId: 'A', ...initial }} onChange={onChange} />);
  const last = () => onChange.mock.calls[onChange.mock.calls.length - 1][0];
  return { getResource, last };
}

async function pick(label: string, option: string) {
  await userEvent.click(await screen.findByLabelText(label));
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

  it('offers an account picker only in a monitoring account with linked accounts', async () => {
    const plain = setup();
    await waitFor(() => expect(plain.getResource).toHaveBeenCalledWith('accounts', { region: 'default' }));
    expect(screen.queryByLabelText('Account')).not.toBeInTheDocument();
    cleanup();
    const { last, getResource } = setup({ namespace: 'AWS/EC2' }, LINKED);
    await pick('Account', 'payments-prod');
    expect(last().accountId).toBe('444455556666');
    await waitFor(() => expect(getResource).toHaveBeenCalledWith('metrics', { region: 'default', namespace: 'AWS/EC2', accountId: '444455556666' }));
    await pick('Account', 'All');
    expect(last().accountId).toBe('all');
  });
});
