import React, { useState } from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';

import { fakeDataSource } from '../../tests/fakeDataSource';
import { InGrafana } from '../../tests/grafana';
import { AnnotationQuery, DEFAULT_ANNOTATION_QUERY } from '../types';
import { AnnotationQueryEditor } from './AnnotationQueryEditor';

function setup(initial: Partial<AnnotationQuery>) {
  const { ds } = fakeDataSource();
  const onChange = vi.fn<(q: AnnotationQuery) => void>();
  function Editor() {
    const [query, setQuery] = useState<AnnotationQuery>({ ...DEFAULT_ANNOTATION_QUERY, refId: 'Anno', ...initial });
    return (
      <InGrafana>
        <AnnotationQueryEditor
          datasource={ds}
          query={query}
          onChange={(q) => {
            setQuery(q as AnnotationQuery);
            onChange(q as AnnotationQuery);
          }}
          onRunQuery={() => undefined}
        />
      </InGrafana>
    );
  }
  render(<Editor />);
  return () => onChange.mock.calls[onChange.mock.calls.length - 1][0];
}

async function pick(label: string, option: string) {
  await userEvent.click(await screen.findByLabelText(label));
  await userEvent.click(await screen.findByText(option, { selector: 'span' }));
}

describe('AnnotationQueryEditor', () => {
  it('stores the alarms of a metric as Grafana CloudWatch annotation JSON', async () => {
    const last = setup({});
    expect(screen.queryByLabelText('Action prefix')).not.toBeInTheDocument();
    await pick('Namespace', 'AWS/EC2');
    await pick('Metric name', 'CPUUtilization');
    await pick('Statistic', 'Maximum');
    await userEvent.click(screen.getByRole('button', { name: 'Add dimension' }));
    await pick('Dimension key new', 'InstanceId');
    await pick('Dimension values InstanceId', 'i-1');
    expect(last()).toEqual({
      ...DEFAULT_ANNOTATION_QUERY,
      refId: 'Anno',
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      statistic: 'Maximum',
      dimensions: { InstanceId: 'i-1' },
    });
    expect(screen.getByText('300 (default)')).toBeInTheDocument();
  });

  it('switches to prefix matching', async () => {
    const last = setup({});
    await userEvent.click(screen.getByLabelText('Prefix matching'));
    await userEvent.type(await screen.findByLabelText('Action prefix'), 'arn:aws:sns');
    await userEvent.type(screen.getByLabelText('Alarm name prefix'), 'prod-');
    expect(last()).toMatchObject({ queryMode: 'Annotations', prefixMatching: true, actionPrefix: 'arn:aws:sns', alarmNamePrefix: 'prod-' });
    expect(screen.getByText('any')).toBeInTheDocument();
  });
});
