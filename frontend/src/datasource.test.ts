import { CustomVariableSupport, DataQueryRequest, DataSourceInstanceSettings, dateTime } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';
import { setTemplateSrv, TemplateSrv } from '@grafana/runtime';
import { lastValueFrom, of } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';

import { templates } from '../tests/templates';
import { DataSource } from './datasource';
import { DEFAULT_QUERY, StratusOptions, StratusQuery, VariableQuery, VariableQueryType } from './types';

setTemplateSrv(templates({ region: { values: ['eu-west-1'] }, asg: { values: ['web', 'batch'] } }) as unknown as TemplateSrv);

function dataSource() {
  const ds = new DataSource({ id: 1, uid: 'stratus', type: 'stratus-cloudwatch-datasource', name: 'Stratus', jsonData: {} } as unknown as DataSourceInstanceSettings<StratusOptions>);
  const sent: StratusQuery[] = [];
  ds.query = vi.fn((request: DataQueryRequest<StratusQuery>) => {
    sent.push(...request.targets.map((t) => ds.applyTemplateVariables(t, request.scopedVars)));
    return of({ data: [] });
  });
  return { ds, sent };
}

function request<T extends DataQuery>(target: T): DataQueryRequest<T> {
  const now = dateTime();
  return {
    requestId: 'r',
    interval: '1m',
    intervalMs: 60000,
    range: { from: now, to: now, raw: { from: 'now-1h', to: 'now' } },
    scopedVars: {},
    targets: [target],
    timezone: 'utc',
    app: 'dashboard',
    startTime: 0,
  };
}

describe('DataSource', () => {
  it('runs a legacy variable through the backend as a VariableQuery with its variables in place', async () => {
    const { ds, sent } = dataSource();
    const stored = 'dimension_values($region, AWS/EC2, CPUUtilization, InstanceId, {"AutoScalingGroupName": "$asg"})';
    const support = ds.variables as CustomVariableSupport<DataSource, VariableQuery>;
    // Grafana passes the stored query as it is, here a legacy string.
    await lastValueFrom(support.query(request(stored as unknown as VariableQuery)));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      queryType: VariableQueryType.DimensionValues,
      region: 'eu-west-1',
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      dimensionKey: 'InstanceId',
      dimensionFilters: { AutoScalingGroupName: ['web', 'batch'] },
    });
  });

  it('turns old top-level annotations into Annotations queries', () => {
    const { ds } = dataSource();
    const old = { name: 'alarms', enable: true, iconColor: 'red', region: 'us-east-1', namespace: 'AWS/EC2', metricName: 'CPUUtilization', dimensions: { InstanceId: 'i-1' }, statistics: ['Maximum'] };
    const prepared = ds.annotations!.prepareAnnotation!(old as never);
    const query = ds.annotations!.prepareQuery!(prepared);
    expect(query).toMatchObject({ queryMode: 'Annotations', region: 'us-east-1', namespace: 'AWS/EC2', metricName: 'CPUUtilization', statistic: 'Maximum', dimensions: { InstanceId: 'i-1' }, prefixMatching: false });
  });

  it('interpolates each kind of query its own way and skips only empty metric queries', () => {
    const { ds } = dataSource();
    const metrics = ds.applyTemplateVariables({ ...DEFAULT_QUERY, refId: 'A', region: '$region', dimensions: { AutoScalingGroupName: '$asg' } }, {});
    expect(metrics).toMatchObject({ region: 'eu-west-1', dimensions: { AutoScalingGroupName: ['web', 'batch'] } });
    expect(ds.filterQuery({ ...DEFAULT_QUERY, refId: 'A' })).toBe(false);
    expect(ds.filterQuery({ ...DEFAULT_QUERY, refId: 'A', namespace: 'AWS/EC2', metricName: 'CPUUtilization' })).toBe(true);
    expect(ds.filterQuery({ refId: 'V', queryType: VariableQueryType.Regions } as VariableQuery)).toBe(true);
  });
});
