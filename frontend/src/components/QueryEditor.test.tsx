import React, { useState } from 'react';
import { LoadingState, PanelData } from '@grafana/data';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { InGrafana } from '../../tests/grafana';
import { DataSource } from '../datasource';
import { fakeDataSource, LINKED } from '../../tests/fakeDataSource';
import { Account, CloudWatchQuery, DEFAULT_QUERY, MetricEditorMode, MetricQueryType } from '../types';
import { QueryEditor } from './QueryEditor';

function Editor({ ds, initial, onChange, data }: { ds: DataSource; initial: CloudWatchQuery; onChange: (q: CloudWatchQuery) => void; data?: PanelData }) {
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
        data={data}
      />
    </InGrafana>
  );
}

function setup(initial: Partial<CloudWatchQuery> = {}, accounts: Account[] = [], data?: PanelData) {
  const { ds, getResource } = fakeDataSource(accounts);
  const onChange = vi.fn<(q: CloudWatchQuery) => void>();
  render(<Editor ds={ds} initial={{ ...DEFAULT_QUERY, refId: 'A', ...initial }} onChange={onChange} data={data} />);
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
    // The code editor loads lazily: wait for its input (slow on a busy machine).
    await userEvent.type(await screen.findByLabelText('Expression', undefined, { timeout: 10000 }), 'SUM(METRICS())');
    expect(last().expression).toBe('SUM(METRICS())');
    await userEvent.click(screen.getByText('Metrics Insights'));
    expect(last().metricQueryType).toBe(MetricQueryType.Insights);
    await userEvent.type(
      await screen.findByLabelText('Metrics Insights SQL', undefined, { timeout: 10000 }),
      'SELECT 1'
    );
    expect(last().sqlExpression).toBe('SELECT 1');
  });

  it('builds Metrics Insights SQL, and switches to code and back without loss', async () => {
    const { last, getResource } = setup({ metricQueryType: MetricQueryType.Insights });
    await pick('Insights namespace', 'AWS/EC2');
    await pick('Insights metric', 'CPUUtilization');
    await pick('Aggregation', 'MAX');
    await userEvent.click(screen.getByRole('button', { name: 'Add filter' }));
    await pick('Filter 1 key', 'InstanceId');
    await waitFor(() =>
      expect(getResource).toHaveBeenCalledWith('dimension-values', {
        region: 'default',
        namespace: 'AWS/EC2',
        metricName: 'CPUUtilization',
        dimensionKey: 'InstanceId',
        dimensionFilters: '{}',
      })
    );
    await pick('Filter 1 value', 'i-2');
    await pick('Group by', 'InstanceId');
    await pick('Order by', 'MAX');
    await userEvent.type(screen.getByLabelText('Limit'), '5');
    const built = `SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/EC2") WHERE InstanceId = 'i-2' GROUP BY InstanceId ORDER BY MAX() LIMIT 5`;
    expect(last().sqlExpression).toBe(built);
    expect(last().sql).toMatchObject({ select: { name: 'MAX' }, limit: 5 });

    await userEvent.click(screen.getByText('Code'));
    const code = await screen.findByLabelText('Metrics Insights SQL');
    expect(code).toHaveValue(built);
    await userEvent.clear(code);
    await userEvent.type(code, `SELECT SUM(CPUUtilization) FROM "AWS/EC2" WHERE InstanceId != 'i-1' GROUP BY InstanceId`);
    await userEvent.click(screen.getByText('Builder'));
    expect(await screen.findByLabelText('Insights match exact')).not.toBeChecked();
    expect(screen.getByText('SUM')).toBeInTheDocument();
    expect(screen.getByText('i-1')).toBeInTheDocument();

    // What the builder cannot show stays in code, with the reason.
    await userEvent.click(screen.getByText('Code'));
    const sql = await screen.findByLabelText('Metrics Insights SQL');
    await userEvent.clear(sql);
    const withOr = `SELECT SUM(CPUUtilization) FROM "AWS/EC2" WHERE InstanceId = 'i-1' OR InstanceId = 'i-2'`;
    await userEvent.type(sql, withOr);
    await userEvent.click(screen.getByText('Builder'));
    expect(await screen.findByLabelText('Builder note')).toHaveTextContent('a WHERE with OR stays in code');
    expect(screen.getByLabelText('Metrics Insights SQL')).toHaveValue(withOr);
    expect(last().sqlExpression).toBe(withOr);
  });

  it("shows the backend's error for this query under it", async () => {
    const data = {
      state: LoadingState.Error,
      series: [],
      errors: [
        { refId: 'A', message: 'period: "5x" is not a period; use seconds (300) or a duration (5m)' },
        { refId: 'B', message: 'not this one' },
      ],
    } as unknown as PanelData;
    setup({}, [], data);
    const alert = await screen.findByLabelText('Error of query A');
    expect(alert).toHaveTextContent('period: "5x" is not a period');
    expect(alert).not.toHaveTextContent('not this one');
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
