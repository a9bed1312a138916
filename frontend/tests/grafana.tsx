import React from 'react';
import { DataSourceInstanceSettings, DataSourcePluginContextProvider, DataSourceSettings, EventBusSrv } from '@grafana/data';
import { config, setAppEvents } from '@grafana/runtime';
import { MemoryRouter } from 'react-router-dom';
import { CompatRouter } from 'react-router-dom-v5-compat';

import { StratusOptions, StratusSecureOptions } from '../src/types';

/** Server-side AWS settings as Grafana's frontend config carries them. */
export function setServerAwsConfig(allowed: string[], assumeRoleEnabled: boolean, perDatasourceProxy = false) {
  config.awsAllowedAuthProviders = allowed;
  config.awsAssumeRoleEnabled = assumeRoleEnabled;
  config.awsPerDatasourceHTTPProxyEnabled = perDatasourceProxy;
}

setAppEvents(new EventBusSrv());
setServerAwsConfig(['default', 'keys', 'credentials'], true);

/** Settings of a new data source as Grafana passes them to the settings page. */
export function newSettings(jsonData: Partial<StratusOptions> = {}): DataSourceSettings<StratusOptions, StratusSecureOptions> {
  return {
    id: 1,
    uid: 'stratus-test',
    orgId: 1,
    name: 'Stratus',
    type: 'stratus-cloudwatch-datasource',
    typeName: 'Stratus CloudWatch',
    typeLogoUrl: '',
    access: 'proxy',
    url: '',
    user: '',
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    isDefault: false,
    withCredentials: false,
    readOnly: false,
    jsonData: { authType: 'default', defaultRegion: 'us-east-1', ...jsonData } as StratusOptions,
    secureJsonFields: {},
    secureJsonData: {},
  };
}

/** Wraps a plugin component in the context Grafana gives plugins: a router and the data source. */
export function InGrafana({ children }: { children: React.ReactNode }) {
  const instanceSettings = {
    id: 1,
    uid: 'stratus-test',
    type: 'stratus-cloudwatch-datasource',
    name: 'Stratus',
    meta: { id: 'stratus-cloudwatch-datasource', info: { version: '0.1.0' } },
    jsonData: {},
    access: 'proxy',
    readOnly: false,
  } as unknown as DataSourceInstanceSettings;
  return (
    <MemoryRouter>
      <CompatRouter>
        <DataSourcePluginContextProvider instanceSettings={instanceSettings}>{children}</DataSourcePluginContextProvider>
      </CompatRouter>
    </MemoryRouter>
  );
}
