import { describe, expect, it } from 'vitest';

import { templates } from '../tests/templates';
import { interpolateAnnotation, interpolateLogs, interpolateMetrics, interpolateVariable } from './interpolate';
import { DEFAULT_ANNOTATION_QUERY, DEFAULT_LOGS_QUERY, DEFAULT_QUERY, DEFAULT_VARIABLE_QUERY, VariableQueryType } from './types';

const srv = templates({
  region: { values: ['eu-west-1'] },
  instance: { values: ['i-1', 'i-2'] },
  one: { values: ['i-9'] },
  stage: { values: ['prod', 'dev'], all: true, allValue: '*' },
  service: { values: ['checkout', 'search'], all: true },
  stat: { values: ['Average', 'Maximum'] },
  account: { values: ['444455556666'] },
  period: { values: ['300'] },
  id: { values: ['cpu'] },
  groups: { values: ['arn:aws:logs:us-east-1:123456789012:log-group:/app/web:*', 'arn:aws:logs:us-east-1:123456789012:log-group:/app/jobs:*'] },
  app: { values: ['/svc/web', '/svc/jobs'] },
  level: { values: ['ERROR'] },
});

describe('interpolation', () => {
  it('expands a Logs query: the expression, a variable of log groups (ARNs) and names with variables', () => {
    const q = interpolateLogs(srv, {}, {
      ...DEFAULT_LOGS_QUERY,
      refId: 'L',
      region: '$region',
      expression: 'fields @message | filter level = "$level"',
      logGroups: [
        { arn: '$groups', name: '$groups' },
        { arn: '', name: '$app' },
        { arn: 'arn:aws:logs:us-east-1:123456789012:log-group:/fixed:*', name: '/fixed' },
      ],
      logGroupNames: ['$app', '/old'],
    });
    expect(q.region).toBe('eu-west-1');
    expect(q.expression).toBe('fields @message | filter level = "ERROR"');
    expect(q.logGroups).toEqual([
      { arn: 'arn:aws:logs:us-east-1:123456789012:log-group:/app/web:*', name: '/app/web' },
      { arn: 'arn:aws:logs:us-east-1:123456789012:log-group:/app/jobs:*', name: '/app/jobs' },
      { arn: '', name: '/svc/web' },
      { arn: '', name: '/svc/jobs' },
      { arn: 'arn:aws:logs:us-east-1:123456789012:log-group:/fixed:*', name: '/fixed' },
    ]);
    expect(q.logGroupNames).toEqual(['/svc/web', '/svc/jobs', '/old']);
  });

  it('expands a metrics query as Grafana CloudWatch does', () => {
    const q = interpolateMetrics(srv, {}, {
      ...DEFAULT_QUERY,
      refId: 'A',
      region: '$region',
      namespace: 'AWS/EC2',
      metricName: 'CPUUtilization',
      dimensions: { InstanceId: '$instance', Stage: '$stage', Service: '${service}', Single: '$one', Fixed: 'x', Any: '*' },
      statistic: '$stat',
      period: '$period',
      id: '$id',
      accountId: '$account',
      label: "${PROP('Dim.InstanceId')} $region",
    });
    expect(q.region).toBe('eu-west-1');
    expect(q.dimensions).toEqual({
      InstanceId: ['i-1', 'i-2'],
      Stage: '*',
      Service: ['checkout', 'search'],
      Single: 'i-9',
      Fixed: 'x',
      Any: '*',
    });
    expect([q.statistic, q.statistics]).toEqual(['', ['Average', 'Maximum']]);
    expect([q.period, q.id, q.accountId]).toEqual(['300', 'cpu', '444455556666']);
    expect(q.label).toBe("${PROP('Dim.InstanceId')} eu-west-1");
    const plain = interpolateMetrics(srv, {}, { ...DEFAULT_QUERY, refId: 'B', region: '', statistic: 'p99' });
    expect([plain.region, plain.statistic, plain.statistics, plain.accountId]).toEqual(['default', 'p99', undefined, undefined]);
  });

  it('expands annotation and variable queries field by field', () => {
    const a = interpolateAnnotation(srv, {}, { ...DEFAULT_ANNOTATION_QUERY, refId: 'Anno', region: '$region', dimensions: { InstanceId: '$instance' }, alarmNamePrefix: '$id-' });
    expect([a.region, a.dimensions, a.alarmNamePrefix]).toEqual(['eu-west-1', { InstanceId: ['i-1', 'i-2'] }, 'cpu-']);
    const v = interpolateVariable(srv, {}, {
      ...DEFAULT_VARIABLE_QUERY,
      queryType: VariableQueryType.EBSVolumeIDs,
      region: '$region',
      instanceID: '$instance',
      dimensionFilters: { Stage: '$stage' },
      ec2Filters: { 'tag:Name': ['$instance', 'web'] },
      tags: { Team: ['$service'] },
      accountId: '$account',
    });
    expect(v.region).toBe('eu-west-1');
    // Several instances keep Grafana's {a,b} form, which the backend reads as a list.
    expect(v.instanceID).toBe('{i-1,i-2}');
    expect(v.dimensionFilters).toEqual({ Stage: '*' });
    expect(v.ec2Filters).toEqual({ 'tag:Name': ['i-1', 'i-2', 'web'] });
    expect(v.tags).toEqual({ Team: ['checkout', 'search'] });
    expect(v.accountId).toBe('444455556666');
  });
});
