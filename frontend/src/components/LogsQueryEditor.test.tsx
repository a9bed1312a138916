import React, { useState } from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { InGrafana } from '../../tests/grafana';
import { fakeDataSource } from '../../tests/fakeDataSource';
import { DEFAULT_QUERY, LogsQuery, StratusQuery } from '../types';
import { QueryEditor } from './QueryEditor';

function setup(initial: StratusQuery) {
  const { ds, getResource } = fakeDataSource();
  const onChange = vi.fn<(q: StratusQuery) => void>();
  const onRunQuery = vi.fn();
  function Editor() {
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
          onRunQuery={onRunQuery}
        />
      </InGrafana>
    );
  }
  render(<Editor />);
  const last = () => onChange.mock.calls[onChange.mock.calls.length - 1][0] as LogsQuery;
  return { getResource, last, onRunQuery };
}

describe('LogsQueryEditor', () => {
  it('switches to Logs keeping the region, picks log groups by search and writes Grafana CloudWatch Logs JSON', async () => {
    const { getResource, last, onRunQuery } = setup({ ...DEFAULT_QUERY, refId: 'A', region: 'us-east-1' });
    await userEvent.click(screen.getByText('CloudWatch Logs'));
    expect(last()).toMatchObject({ refId: 'A', queryMode: 'Logs', region: 'us-east-1', logGroups: [], queryLanguage: 'CWLI' });
    await userEvent.type(screen.getByLabelText('Log groups'), 'web');
    await waitFor(() => expect(getResource).toHaveBeenCalledWith('log-groups', { region: 'us-east-1', logGroupPattern: 'web' }));
    await userEvent.click(await screen.findByText('/app/web'));
    await userEvent.type(screen.getByLabelText('Logs query'), 'fields @message | limit 5');
    await userEvent.tab();
    expect(onRunQuery).toHaveBeenCalled();
    expect(last()).toEqual({
      refId: 'A',
      queryMode: 'Logs',
      region: 'us-east-1',
      expression: 'fields @message | limit 5',
      logGroups: [{ arn: 'arn:aws:logs:us-east-1:123456789012:log-group:/app/web:*', name: '/app/web', accountId: '123456789012' }],
      logGroupNames: undefined,
      queryLanguage: 'CWLI',
      id: '',
    });
  });

  it('opens stored queries of the older form and hides the groups for SQL, which names them in FROM', async () => {
    const { last } = setup({ refId: 'B', queryMode: 'Logs', region: 'default', expression: 'fields @message', logGroupNames: ['/app/old'], logGroups: [] });
    expect(await screen.findByText('/app/old')).toBeInTheDocument();
    await userEvent.click(screen.getByText('OpenSearch SQL'));
    expect(last().queryLanguage).toBe('SQL');
    expect(screen.queryByLabelText('Log groups')).not.toBeInTheDocument();
    await userEvent.click(screen.getByText('CloudWatch Metrics'));
    expect(last()).toMatchObject({ queryMode: 'Metrics', region: 'default', refId: 'B' });
  });
});
