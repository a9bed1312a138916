import React, { useState } from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { fakeDataSource, LINKED } from '../../tests/fakeDataSource';
import { InGrafana } from '../../tests/grafana';
import { DataSource } from '../datasource';
import { Account, DEFAULT_VARIABLE_QUERY, VariableQuery, VariableQueryType } from '../types';
import { VariableQueryEditor } from './VariableQueryEditor';

function Editor({ ds, initial, onChange }: { ds: DataSource; initial: unknown; onChange: (q: VariableQuery) => void }) {
  const [query, setQuery] = useState(initial as VariableQuery);
  return (
    <InGrafana>
      <VariableQueryEditor
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

function setup(initial: unknown, accounts: Account[] = []) {
  const { ds, getResource } = fakeDataSource(accounts);
  const onChange = vi.fn<(q: VariableQuery) => void>();
  render(<Editor ds={ds} initial={initial} onChange={onChange} />);
  const last = () => onChange.mock.calls[onChange.mock.calls.length - 1][0];
  return { getResource, last };
}

async function pick(label: string, option: string) {
  await userEvent.click(await screen.findByLabelText(label));
  await userEvent.click(await screen.findByText(option, { selector: 'span' }));
}

describe('VariableQueryEditor', () => {
  it('opens a legacy string as its fields and stores the current form', async () => {
    const { last } = setup('dimension_values($region, AWS/EC2, CPUUtilization, InstanceId, {"AutoScalingGroupName": "$asg"})');
    await waitFor(() => expect(screen.getByText('Dimension values')).toBeInTheDocument());
    expect(screen.getByText('$region')).toBeInTheDocument();
    expect(screen.getByText('InstanceId')).toBeInTheDocument();
    expect(screen.getByText('$asg')).toBeInTheDocument();
    await pick('Metric name', 'NetworkIn');
    expect(last()).toEqual({
      ...DEFAULT_VARIABLE_QUERY,
      queryType: VariableQueryType.DimensionValues,
      region: '$region',
      namespace: 'AWS/EC2',
      metricName: 'NetworkIn',
      dimensionKey: 'InstanceId',
      dimensionFilters: { AutoScalingGroupName: '$asg' },
    });
  });

  it('builds each type with the fields it needs', async () => {
    const { last, getResource } = setup({ ...DEFAULT_VARIABLE_QUERY });
    expect(screen.queryByLabelText('Namespace')).not.toBeInTheDocument();
    await pick('Query type', 'Dimension keys');
    await pick('Region', 'eu-west-1');
    await pick('Namespace', 'App/Orders');
    await waitFor(() => expect(getResource).toHaveBeenCalledWith('metrics', { region: 'eu-west-1', namespace: 'App/Orders' }));
    expect(last()).toMatchObject({ queryType: 'dimensionKeys', region: 'eu-west-1', namespace: 'App/Orders' });

    await pick('Query type', 'EC2 instance attributes');
    await pick('Attribute name', 'Placement.AvailabilityZone');
    await userEvent.click(screen.getByRole('button', { name: 'Add ec2 filter' }));
    await userEvent.type(screen.getByLabelText('EC2 filter 1 name'), 'tag:Team');
    await userEvent.type(screen.getByLabelText('values'), 'core{Enter}$team{Enter}');
    expect(last()).toMatchObject({ queryType: 'ec2InstanceAttributes', attributeName: 'Placement.AvailabilityZone', ec2Filters: { 'tag:Team': ['core', '$team'] } });

    await pick('Query type', 'Resource ARNs');
    await userEvent.type(screen.getByLabelText('Resource type'), 'ec2:instance');
    expect(last()).toMatchObject({ queryType: 'resourceARNs', resourceType: 'ec2:instance' });

    await pick('Query type', 'EBS volume IDs');
    await userEvent.type(screen.getByLabelText('Instance ID'), '$instance');
    expect(last()).toMatchObject({ queryType: 'ebsVolumeIDs', instanceID: '$instance' });
  });

  it('offers accounts in a monitoring account, and says when a stored string cannot be read', async () => {
    const { last } = setup({ ...DEFAULT_VARIABLE_QUERY, queryType: VariableQueryType.Metrics, namespace: 'AWS/EC2' }, LINKED);
    await pick('Account', 'payments-prod');
    expect(last()).toMatchObject({ queryType: 'metrics', accountId: '444455556666' });
    setup('dimension_values(us-east-1)');
    expect(await screen.findByText(/unable to parse old variable query/)).toBeInTheDocument();
  });
});
