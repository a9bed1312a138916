import { DataSourcePlugin } from '@grafana/data';

import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { DataSource } from './datasource';
import { CloudWatchQuery, StratusOptions, StratusSecureOptions } from './types';

export const plugin = new DataSourcePlugin<DataSource, CloudWatchQuery, StratusOptions, StratusSecureOptions>(DataSource)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
