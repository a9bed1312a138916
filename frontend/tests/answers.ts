import { DataSource } from '../src/datasource';
import { Account } from '../src/types';

/** Resource answers as the backend gives them. */
export const ANSWERS: Record<string, string[]> = {
  regions: ['default', 'eu-west-1', 'us-east-1'],
  namespaces: ['AWS/EC2', 'App/Orders'],
  metrics: ['CPUUtilization', 'NetworkIn'],
  'dimension-keys': ['InstanceId', 'AutoScalingGroupName'],
  'dimension-values': ['i-1', 'i-2'],
};

/** A monitoring account with one linked source account. */
export const LINKED: Account[] = [
  { id: '123456789012', arn: 'arn:aws:oam:us-east-1:123456789012:sink/s', label: 'monitoring', isMonitoringAccount: true },
  { id: '444455556666', arn: 'arn:aws:oam:us-east-1:444455556666:link/l', label: 'payments-prod', isMonitoringAccount: false },
];

/** Log groups as the `log-groups` route lists them. */
export const LOG_GROUPS = [
  { value: { arn: 'arn:aws:logs:us-east-1:123456789012:log-group:/app/jobs:*', name: '/app/jobs' }, accountId: '123456789012' },
  { value: { arn: 'arn:aws:logs:us-east-1:123456789012:log-group:/app/web:*', name: '/app/web' }, accountId: '123456789012' },
];

/** Fields the `log-group-fields` route finds in every log group. */
export const LOG_FIELDS = ['@timestamp', '@message', 'status', 'requestId'];

/** What the resource routes answer: the table above, `accounts` and `log-groups` as their routes give them. */
export async function answer(path: string, accounts: Account[]): Promise<Array<{ value: unknown }>> {
  if (path === 'log-groups') {
    return LOG_GROUPS;
  }
  if (path === 'log-group-fields') {
    return LOG_FIELDS.map((name) => ({ value: { name, percent: 100 } }));
  }
  return path === 'accounts' ? accounts.map((value) => ({ value })) : (ANSWERS[path] ?? []).map((value) => ({ value }));
}

/** A data source whose resource calls go to `getResource` instead of Grafana's backend. */
export function withResources(getResource: (path: string) => Promise<Array<{ value: unknown }>>): DataSource {
  const ds = Object.create(DataSource.prototype) as DataSource;
  (ds as unknown as { getResource: typeof getResource }).getResource = getResource;
  return ds;
}
