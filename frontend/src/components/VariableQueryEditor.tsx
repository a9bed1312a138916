import React, { useMemo } from 'react';
import { QueryEditorProps, SelectableValue } from '@grafana/data';
import { Alert, InlineField, InlineFieldRow, Input, Select, Stack } from '@grafana/ui';

import type { DataSource } from '../datasource';
import { migrateVariableQuery, StoredVariableQuery, VariableQueryError } from '../migrate';
import { DEFAULT_VARIABLE_QUERY, StratusOptions, StratusQuery, VariableQuery, VariableQueryType } from '../types';
import { AccountPicker } from './AccountPicker';
import { DimensionsEditor } from './Dimensions';
import { FilterRows } from './FilterRows';
import { MetricField, NamespaceField, RegionField } from './Fields';
import { useOptions } from './useOptions';

export type Props = QueryEditorProps<DataSource, StratusQuery, StratusOptions, VariableQuery>;

/** The variable types, in the order Grafana's CloudWatch offers them. */
const TYPES: Array<SelectableValue<VariableQueryType>> = [
  { label: 'Regions', value: VariableQueryType.Regions },
  { label: 'Namespaces', value: VariableQueryType.Namespaces },
  { label: 'Metrics', value: VariableQueryType.Metrics },
  { label: 'Dimension keys', value: VariableQueryType.DimensionKeys },
  { label: 'Dimension values', value: VariableQueryType.DimensionValues },
  { label: 'EBS volume IDs', value: VariableQueryType.EBSVolumeIDs },
  { label: 'EC2 instance attributes', value: VariableQueryType.EC2InstanceAttributes },
  { label: 'Resource ARNs', value: VariableQueryType.ResourceArns },
  { label: 'Statistics', value: VariableQueryType.Statistics },
  { label: 'Log groups', value: VariableQueryType.LogGroups, description: 'Names shown, ARNs as values' },
  { label: 'Accounts', value: VariableQueryType.Accounts, description: 'The monitoring account and its linked source accounts' },
];

/** What each type asks for besides its type. */
const NEEDS: Record<VariableQueryType, Array<'region' | 'namespace' | 'metric' | 'key' | 'dimensions' | 'account'>> = {
  [VariableQueryType.Regions]: [],
  [VariableQueryType.Namespaces]: [],
  [VariableQueryType.Statistics]: [],
  [VariableQueryType.Metrics]: ['region', 'namespace', 'account'],
  [VariableQueryType.DimensionKeys]: ['region', 'namespace', 'metric', 'dimensions', 'account'],
  [VariableQueryType.DimensionValues]: ['region', 'namespace', 'metric', 'key', 'dimensions', 'account'],
  [VariableQueryType.EBSVolumeIDs]: ['region'],
  [VariableQueryType.EC2InstanceAttributes]: ['region'],
  [VariableQueryType.ResourceArns]: ['region'],
  [VariableQueryType.LogGroups]: ['region', 'account'],
  [VariableQueryType.Accounts]: ['region'],
};

/** Instance attributes Grafana's CloudWatch documents; any other Instance field, or Tags.<key>, can be typed. */
const ATTRIBUTES = [
  'AmiLaunchIndex', 'Architecture', 'ClientToken', 'EbsOptimized', 'EnaSupport', 'Hypervisor', 'IamInstanceProfile', 'ImageId',
  'InstanceId', 'InstanceLifecycle', 'InstanceType', 'KernelId', 'KeyName', 'LaunchTime', 'Platform', 'PrivateDnsName',
  'PrivateIpAddress', 'PublicDnsName', 'PublicIpAddress', 'RamdiskId', 'RootDeviceName', 'RootDeviceType', 'SourceDestCheck',
  'SpotInstanceRequestId', 'SriovNetSupport', 'SubnetId', 'VirtualizationType', 'VpcId', 'Placement.AvailabilityZone',
  'Placement.GroupName', 'Placement.Tenancy', 'State.Name', 'Tags.Name',
].map((a) => ({ label: a, value: a }));

/** Reads the stored query in whatever form a dashboard kept it. */
function readStored(query: VariableQuery): { query: VariableQuery; error?: string } {
  try {
    return { query: migrateVariableQuery(query as unknown as StoredVariableQuery) };
  } catch (e) {
    const message = e instanceof VariableQueryError ? e.message : String(e);
    return { query: { ...DEFAULT_VARIABLE_QUERY }, error: message };
  }
}

/** The template variable editor: every variable type of Grafana's CloudWatch, stored as its VariableQuery. */
export function VariableQueryEditor({ datasource, query: stored, onChange }: Props) {
  const { query, error } = useMemo(() => readStored(stored), [stored]);
  const set = (patch: Partial<VariableQuery>) => onChange({ ...query, ...patch });
  const needs = NEEDS[query.queryType] ?? [];
  const keys = useOptions(
    () => datasource.getDimensionKeys(query.region, query.namespace, query.metricName, {}, query.accountId),
    [query.region, query.namespace, query.metricName, query.accountId],
    needs.includes('key') && Boolean(query.namespace)
  );

  return (
    <Stack direction="column" gap={1}>
      {error && (
        <Alert severity="error" title="This variable's stored query cannot be read">
          {error}
        </Alert>
      )}
      <InlineFieldRow>
        <InlineField label="Query type" labelWidth={20}>
          <Select
            aria-label="Query type"
            width={32}
            value={query.queryType}
            options={TYPES}
            onChange={(o) => set({ queryType: o.value ?? VariableQueryType.Regions })}
          />
        </InlineField>
        {needs.includes('region') && <RegionField datasource={datasource} value={query.region} onChange={(region) => set({ region })} />}
        {needs.includes('account') && (
          <AccountPicker datasource={datasource} region={query.region} accountId={query.accountId} onChange={(accountId) => set({ accountId })} />
        )}
      </InlineFieldRow>

      {needs.includes('namespace') && (
        <InlineFieldRow>
          <NamespaceField datasource={datasource} value={query.namespace} onChange={(namespace) => set({ namespace, metricName: '', dimensionKey: '', dimensionFilters: {} })} />
          {needs.includes('metric') && (
            <MetricField
              datasource={datasource}
              region={query.region}
              namespace={query.namespace}
              accountId={query.accountId}
              value={query.metricName}
              optional
              onChange={(metricName) => set({ metricName })}
            />
          )}
          {needs.includes('key') && (
            <InlineField label="Dimension key" labelWidth={16}>
              <Select
                aria-label="Dimension key"
                width={28}
                allowCustomValue
                value={query.dimensionKey ? { label: query.dimensionKey, value: query.dimensionKey } : null}
                options={keys}
                onChange={(o) => set({ dimensionKey: o.value ?? '' })}
              />
            </InlineField>
          )}
        </InlineFieldRow>
      )}
      {needs.includes('dimensions') && (
        <DimensionsEditor
          datasource={datasource}
          scope={query}
          dimensions={query.dimensionFilters}
          addLabel="Add dimension filter"
          onChange={(dimensionFilters) => set({ dimensionFilters })}
        />
      )}

      {query.queryType === VariableQueryType.EBSVolumeIDs && (
        <InlineField label="Instance ID" labelWidth={20} tooltip="One instance, or a multi-value variable such as $instance.">
          <Input aria-label="Instance ID" width={40} value={query.instanceID} onChange={(e) => set({ instanceID: e.currentTarget.value })} />
        </InlineField>
      )}

      {query.queryType === VariableQueryType.EC2InstanceAttributes && (
        <>
          <InlineField label="Attribute name" labelWidth={20} tooltip="An Instance field (InstanceId, Placement.AvailabilityZone) or a tag as Tags.<key>.">
            <Select
              aria-label="Attribute name"
              width={40}
              allowCustomValue
              value={query.attributeName ? { label: query.attributeName, value: query.attributeName } : null}
              options={ATTRIBUTES}
              onChange={(o) => set({ attributeName: o.value ?? '' })}
            />
          </InlineField>
          <FilterRows noun="EC2 filter" keyPlaceholder="tag:Name, instance-state-name" filters={query.ec2Filters} onChange={(ec2Filters) => set({ ec2Filters })} />
        </>
      )}

      {query.queryType === VariableQueryType.LogGroups && (
        <InlineField label="Log group prefix" labelWidth={20} tooltip="Only log groups whose names start so; empty lists every group.">
          <Input
            aria-label="Log group prefix"
            width={40}
            value={query.logGroupPrefix ?? ''}
            onChange={(e) => set({ logGroupPrefix: e.currentTarget.value })}
          />
        </InlineField>
      )}

      {query.queryType === VariableQueryType.ResourceArns && (
        <>
          <InlineField label="Resource type" labelWidth={20} tooltip="A Resource Groups Tagging API type such as ec2:instance or elasticloadbalancing:loadbalancer.">
            <Input aria-label="Resource type" width={40} value={query.resourceType} onChange={(e) => set({ resourceType: e.currentTarget.value })} />
          </InlineField>
          <FilterRows noun="Tag" keyPlaceholder="Environment" filters={query.tags} onChange={(tags) => set({ tags })} />
        </>
      )}
    </Stack>
  );
}
