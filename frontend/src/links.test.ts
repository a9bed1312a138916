import { DataFrame, FieldType } from '@grafana/data';
import { describe, expect, it } from 'vitest';

import { withTraceLinks } from './links';
import { DEFAULT_LOGS_QUERY, DEFAULT_QUERY, LogsQuery } from './types';

const consoleLink = { title: 'View in CloudWatch console', url: 'https://console', targetBlank: true };

const frame = (refId: string): DataFrame => ({
  refId,
  length: 1,
  fields: [
    { name: '@message', type: FieldType.string, config: { links: [consoleLink] }, values: ['GET /'] },
    { name: '@xrayTraceId', type: FieldType.string, config: { links: [consoleLink] }, values: ['1-5f0e-abc'] },
  ],
});

const logs = (fields: Partial<LogsQuery>): LogsQuery => ({ ...DEFAULT_LOGS_QUERY, refId: 'A', ...fields });

// Mirrors grafana/grafana-cloudwatch-datasource src/utils/datalinks.test.ts, "should add data links to response from
// log group names": the trace id field links to the X-Ray data source, the others keep the console link.
describe('withTraceLinks', () => {
  it('links trace ids to the X-Ray data source in the query region', () => {
    const out = withTraceLinks({ data: [frame('A')] }, [logs({ region: 'us-east-1' })], { uid: 'xrayUid', name: 'Xray' }, 'eu-west-1');
    const [message, trace] = (out.data[0] as DataFrame).fields;
    expect(message.config.links).toEqual([consoleLink]);
    expect(trace.config.links).toEqual([
      {
        url: '',
        title: 'Xray',
        internal: {
          query: { query: '${__value.raw}', region: 'us-east-1', queryType: 'getTrace' },
          datasourceUid: 'xrayUid',
          datasourceName: 'Xray',
        },
      },
    ]);
  });

  it('reads the default region as the data source default', () => {
    const out = withTraceLinks({ data: [frame('A')] }, [logs({ region: 'default' })], { uid: 'x', name: 'X' }, 'eu-west-1');
    expect((out.data[0] as DataFrame).fields[1].config.links?.[0].internal?.query).toMatchObject({ region: 'eu-west-1' });
  });

  it('leaves answers alone without an X-Ray data source, and drops the link when it is gone', () => {
    const response = { data: [frame('A')] };
    expect(withTraceLinks(response, [logs({})], undefined, 'us-east-1')).toBe(response);
    const gone = withTraceLinks(response, [logs({})], { uid: 'deleted' }, 'us-east-1');
    expect((gone.data[0] as DataFrame).fields[1].config.links).toEqual([]);
  });

  it('touches only logs answers', () => {
    const metrics = { ...DEFAULT_QUERY, refId: 'A' };
    const response = { data: [frame('A')] };
    const out = withTraceLinks(response, [metrics], { uid: 'x', name: 'X' }, 'us-east-1');
    expect((out.data[0] as DataFrame).fields[1].config.links).toEqual([consoleLink]);
  });
});
