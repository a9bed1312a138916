// A page that mounts the real editors the way Grafana does, for the browser tests: the settings page
// (#settings), the template variable editor (#variable), the alarm annotation editor (#annotation)
// and the query editor (#query); and a panel (#panel) whose queries run through the real data source.
// Resource lookups are answered from the tests' table, with one linked account.
import React, { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { DataQueryRequest, dateTime } from '@grafana/data';
import { BackendSrv, BackendSrvRequest, setBackendSrv, setTemplateSrv, TemplateSrv } from '@grafana/runtime';
import { useTheme2 } from '@grafana/ui';
import { lastValueFrom, of } from 'rxjs';

import { AnnotationQueryEditor } from '../../src/components/AnnotationQueryEditor';
import { ConfigEditor } from '../../src/components/ConfigEditor';
import { QueryEditor } from '../../src/components/QueryEditor';
import { VariableQueryEditor } from '../../src/components/VariableQueryEditor';
import { DataSource } from '../../src/datasource';
import { DEFAULT_ANNOTATION_QUERY, DEFAULT_QUERY, MetricEditorMode, MetricQueryType, StratusQuery, VariableQuery } from '../../src/types';
import { answer, LINKED, withResources } from '../answers';
import { InGrafana, newSettings, setServerAwsConfig } from '../grafana';
import { templates } from '../templates';

const datasource = withResources((path) => answer(path, LINKED));

/** What the editor stored, for the test to read. */
function Stored({ value }: { value: unknown }) {
  return (
    <pre data-testid="stored" style={{ marginTop: 24 }}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

/** The settings page on a server that allows per-data-source proxies. */
function SettingsWithProxy() {
  setServerAwsConfig(['default', 'keys', 'credentials'], true, true);
  return <Settings />;
}

function Settings() {
  const [options, setOptions] = useState(newSettings());
  return (
    <>
      <ConfigEditor options={options} onOptionsChange={setOptions} />
      <Stored value={{ jsonData: options.jsonData, secureJsonData: options.secureJsonData }} />
    </>
  );
}

function Variable() {
  // A variable as an older dashboard stored it.
  const [query, setQuery] = useState<VariableQuery>(
    'dimension_values($region, AWS/EC2, CPUUtilization, InstanceId, {"AutoScalingGroupName": "$asg"})' as unknown as VariableQuery
  );
  return (
    <>
      <VariableQueryEditor datasource={datasource} query={query} onChange={setQuery} onRunQuery={() => undefined} />
      <Stored value={query} />
    </>
  );
}

function Annotation() {
  const [query, setQuery] = useState<StratusQuery>({ ...DEFAULT_ANNOTATION_QUERY, refId: 'Anno' });
  return (
    <>
      <AnnotationQueryEditor datasource={datasource} query={query} onChange={setQuery} onRunQuery={() => undefined} />
      <Stored value={query} />
    </>
  );
}

/** Query C of a panel whose other queries math can refer to: m1 (by its id) and queryB. */
function Query() {
  const [query, setQuery] = useState<StratusQuery>({ ...DEFAULT_QUERY, refId: 'C', region: 'us-east-1' });
  const panel = [{ ...DEFAULT_QUERY, refId: 'A', id: 'm1' }, { ...DEFAULT_QUERY, refId: 'B' }, query];
  return (
    <>
      <QueryEditor datasource={datasource} query={query} queries={panel} onChange={setQuery} onRunQuery={() => undefined} />
      <Stored value={query} />
    </>
  );
}

/**
 * A panel's queries as public dashboards store them: one complete builder query (A), one with no metric chosen (B),
 * one hidden without an id (C), and Metrics Insights left with math in `expression` and no SQL (D). The panel runs
 * them through the real data source; the backend (a stand-in for Grafana's /api/ds/query) answers A with a series and
 * records what it was sent.
 */
async function runPanel(): Promise<{ sent: unknown[]; rows: Array<[string, string]> }> {
  const sent: unknown[] = [];
  setTemplateSrv(templates({}) as unknown as TemplateSrv);
  setBackendSrv({
    fetch: (options: BackendSrvRequest) => {
      sent.push(...(options.data as { queries: unknown[] }).queries);
      const frame = {
        schema: { refId: 'A', name: 'CPUUtilization', fields: [{ name: 'Time', type: 'time' }, { name: 'Value', type: 'number' }] },
        data: { values: [[1_700_000_000_000, 1_700_000_060_000, 1_700_000_120_000], [12.5, 14, 13.2]] },
      };
      return of({ data: { results: { A: { status: 200, frames: [frame] } } }, status: 200, ok: true, statusText: 'OK', headers: new Headers(), redirected: false, type: 'basic', url: options.url, config: options });
    },
  } as unknown as BackendSrv);
  const ds = new DataSource({ id: 1, uid: 'stratus-test', type: 'stratus-cloudwatch-datasource', name: 'Stratus', jsonData: {}, meta: { id: 'stratus-cloudwatch-datasource' } } as never);
  const builder = { ...DEFAULT_QUERY, region: 'us-east-1', namespace: 'AWS/EC2', metricName: 'CPUUtilization', statistic: 'Average' };
  const targets: StratusQuery[] = [
    { ...builder, refId: 'A' },
    { ...builder, refId: 'B', metricName: '' },
    { ...builder, refId: 'C', hide: true, id: '' },
    { ...builder, refId: 'D', metricQueryType: MetricQueryType.Insights, metricEditorMode: MetricEditorMode.Code, sqlExpression: '', expression: 'SUM(METRICS())' },
  ];
  const now = dateTime(1_700_000_180_000);
  const request = {
    requestId: 'panel',
    interval: '1m',
    intervalMs: 60_000,
    range: { from: dateTime(1_700_000_000_000), to: now, raw: { from: 'now-1h', to: 'now' } },
    scopedVars: {},
    targets,
    timezone: 'Asia/Kolkata',
    app: 'dashboard',
    startTime: 0,
  } as DataQueryRequest<StratusQuery>;
  const response = await lastValueFrom(ds.query(request));
  const rows = targets.map((t): [string, string] => {
    const frames = response.data.filter((f: { refId?: string }) => f.refId === t.refId);
    const points = frames.reduce((n: number, f: { length: number }) => n + f.length, 0);
    return [t.refId, points > 0 ? `${points} points` : 'No data'];
  });
  return { sent, rows };
}

function Panel() {
  const [result, setResult] = useState<{ sent: unknown[]; rows: Array<[string, string]> }>();
  useEffect(() => {
    runPanel().then(setResult);
  }, []);
  if (!result) {
    return <p>Running…</p>;
  }
  return (
    <>
      <table aria-label="Panel">
        <tbody>
          {result.rows.map(([refId, shown]) => (
            <tr key={refId}>
              <th>{refId}</th>
              <td>{shown}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Stored value={result.sent} />
    </>
  );
}

const PAGES: Record<string, () => React.JSX.Element> = {
  '#settings': Settings,
  '#settings-proxy': SettingsWithProxy,
  '#variable': Variable,
  '#annotation': Annotation,
  '#query': Query,
  '#panel': Panel,
};

function Harness() {
  const theme = useTheme2();
  const Page = PAGES[window.location.hash] ?? Settings;
  return (
    <InGrafana>
      <div style={{ background: theme.colors.background.primary, color: theme.colors.text.primary, padding: 24, minHeight: '100vh' }}>
        <Page />
      </div>
    </InGrafana>
  );
}

createRoot(document.getElementById('root')!).render(<Harness />);
