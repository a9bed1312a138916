import { describe, expect, it } from 'vitest';

import { migrateVariableQuery, VariableQueryError } from './migrate';
import { DEFAULT_VARIABLE_QUERY, VariableQueryType } from './types';

const q = (fields: object) => ({ ...DEFAULT_VARIABLE_QUERY, ...fields });

describe('migrateVariableQuery', () => {
  it('reads every legacy function, with and without spaces after commas', () => {
    const cases: Array<[string, object]> = [
      ['', { queryType: VariableQueryType.Regions }],
      ['regions()', { queryType: VariableQueryType.Regions }],
      ['namespaces()', { queryType: VariableQueryType.Namespaces }],
      ['statistics()', { queryType: VariableQueryType.Statistics }],
      ['metrics(AWS/Usage)', { queryType: VariableQueryType.Metrics, namespace: 'AWS/Usage', region: '' }],
      ['metrics(AWS/EC2, $region)', { queryType: VariableQueryType.Metrics, namespace: 'AWS/EC2', region: '$region' }],
      ['dimension_keys(App/Orders,eu-west-1)', { queryType: VariableQueryType.DimensionKeys, namespace: 'App/Orders', region: 'eu-west-1' }],
      [
        'dimension_values($region,AWS/ApiGateway,Count,ApiName)',
        { queryType: VariableQueryType.DimensionValues, region: '$region', namespace: 'AWS/ApiGateway', metricName: 'Count', dimensionKey: 'ApiName' },
      ],
      [
        'dimension_values($region, AWS/ApiGateway, Count, Stage, {"ApiName": "$apiname"})',
        {
          queryType: VariableQueryType.DimensionValues,
          region: '$region',
          namespace: 'AWS/ApiGateway',
          metricName: 'Count',
          dimensionKey: 'Stage',
          dimensionFilters: { ApiName: '$apiname' },
        },
      ],
      [
        'dimension_values(us-east-1,AWS/EC2,CPUUtilization,InstanceId,{"AutoScalingGroupName":${asg:json}})',
        {
          queryType: VariableQueryType.DimensionValues,
          region: 'us-east-1',
          namespace: 'AWS/EC2',
          metricName: 'CPUUtilization',
          dimensionKey: 'InstanceId',
          dimensionFilters: { AutoScalingGroupName: '$asg' },
        },
      ],
      ['ebs_volume_ids($region, $instanceid)', { queryType: VariableQueryType.EBSVolumeIDs, region: '$region', instanceID: '$instanceid' }],
      ['ec2_instance_attribute($region, Tags.Name, {})', { queryType: VariableQueryType.EC2InstanceAttributes, region: '$region', attributeName: 'Tags.Name' }],
      [
        'ec2_instance_attribute($region,InstanceId, {"tag:Name": ["$instancename"], "instance-state-name": "running"})',
        {
          queryType: VariableQueryType.EC2InstanceAttributes,
          region: '$region',
          attributeName: 'InstanceId',
          ec2Filters: { 'tag:Name': ['$instancename'], 'instance-state-name': ['running'] },
        },
      ],
      [
        'resource_arns(eu-west-1,elasticloadbalancing:loadbalancer,{"elasticbeanstalk:environment-name":["myApp-dev","myApp-prod"]})',
        {
          queryType: VariableQueryType.ResourceArns,
          region: 'eu-west-1',
          resourceType: 'elasticloadbalancing:loadbalancer',
          tags: { 'elasticbeanstalk:environment-name': ['myApp-dev', 'myApp-prod'] },
        },
      ],
    ];
    for (const [text, want] of cases) {
      expect(migrateVariableQuery(text), text).toEqual(q(want));
      // The same string stored as {query} (how some dashboards and Grafana's own migration keep it).
      expect(migrateVariableQuery({ query: text, refId: 'V' }), text).toEqual({ ...q(want), refId: 'V' });
    }
  });

  it('reads the older object form, whose filters are JSON text', () => {
    const older = {
      queryType: VariableQueryType.DimensionValues,
      refId: 'CloudWatchVariableQueryEditor-VariableQuery',
      region: '$region',
      namespace: 'AWS/DX',
      metricName: 'ConnectionState',
      dimensionKey: 'ConnectionId',
      dimensionFilters: '',
      ec2Filters: '[]',
      tags: '{"Team":"core"}',
      instanceID: '',
      attributeName: '',
      resourceType: '',
    };
    expect(migrateVariableQuery(older)).toEqual(
      q({ queryType: VariableQueryType.DimensionValues, region: '$region', namespace: 'AWS/DX', metricName: 'ConnectionState', dimensionKey: 'ConnectionId', tags: { Team: ['core'] } })
    );
    const current = q({ queryType: VariableQueryType.DimensionValues, dimensionFilters: { Service: '$service' }, metricName: '$metric' });
    expect(migrateVariableQuery(current)).toEqual(current);
  });

  it('says what is wrong with a string it cannot read', () => {
    expect(() => migrateVariableQuery('dimension_values(us-east-1)')).toThrow(VariableQueryError);
    expect(() => migrateVariableQuery('dimension_values(us-east-1)')).toThrow('unable to parse old variable query');
    expect(() => migrateVariableQuery('ec2_instance_attribute(us-east-1, InstanceId, {nope)')).toThrow('EC2 filters are not JSON');
    expect(() => migrateVariableQuery('resource_arns(us-east-1, ec2:instance, ["a"])')).toThrow('tags must be a JSON object');
  });
});
