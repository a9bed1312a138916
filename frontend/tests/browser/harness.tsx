// A page that mounts the real settings editor the way Grafana does, for the browser test.
import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { useTheme2 } from '@grafana/ui';

import { ConfigEditor } from '../../src/components/ConfigEditor';
import { InGrafana, newSettings } from '../grafana';

function Harness() {
  const theme = useTheme2();
  const [options, setOptions] = useState(newSettings());
  return (
    <InGrafana>
      <div style={{ background: theme.colors.background.primary, color: theme.colors.text.primary, padding: 24, minHeight: '100vh' }}>
        <ConfigEditor options={options} onOptionsChange={setOptions} />
        <pre data-testid="settings" style={{ marginTop: 24 }}>
          {JSON.stringify({ jsonData: options.jsonData, secureJsonData: options.secureJsonData }, null, 2)}
        </pre>
      </div>
    </InGrafana>
  );
}

createRoot(document.getElementById('root')!).render(<Harness />);
