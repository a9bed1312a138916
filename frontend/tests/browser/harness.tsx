// A page that mounts the real editors the way Grafana does, for the browser tests: the settings page
// (#settings), the template variable editor (#variable), the alarm annotation editor (#annotation)
// and the query editor (#query).
// Resource lookups are answered from the tests' table, with one linked account.
import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { useTheme2 } from '@grafana/ui';

import { AnnotationQueryEditor } from '../../src/components/AnnotationQueryEditor';
import { ConfigEditor } from '../../src/components/ConfigEditor';
import { QueryEditor } from '../../src/components/QueryEditor';
import { VariableQueryEditor } from '../../src/components/VariableQueryEditor';
import { DEFAULT_ANNOTATION_QUERY, DEFAULT_QUERY, StratusQuery, VariableQuery } from '../../src/types';
import { answer, LINKED, withResources } from '../answers';
import { InGrafana, newSettings, setServerAwsConfig } from '../grafana';

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

const PAGES: Record<string, () => React.JSX.Element> = { '#settings': Settings, '#settings-proxy': SettingsWithProxy, '#variable': Variable, '#annotation': Annotation, '#query': Query };

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
