import { DataSourcePlugin } from '@grafana/data';

import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { DataSource } from './datasource';
import { StratusOptions, StratusQuery, StratusSecureOptions } from './types';

export const plugin = new DataSourcePlugin<DataSource, StratusQuery, StratusOptions, StratusSecureOptions>(DataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
