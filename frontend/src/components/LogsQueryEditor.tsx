import React from 'react';
import { SelectableValue } from '@grafana/data';
import type { DataQuery } from '@grafana/schema';
import { AsyncMultiSelect, InlineField, InlineFieldRow, RadioButtonGroup, Stack, TextArea } from '@grafana/ui';

import type { DataSource } from '../datasource';
import { DEFAULT_LOGS_QUERY, LogGroup, LogsQuery, LogsQueryLanguage } from '../types';
import { completionSource } from './completionSource';
import { RegionField } from './Fields';
import { LazyCodeField } from './LazyEditors';

const LANGUAGES: Array<SelectableValue<LogsQueryLanguage>> = [
  { label: 'Logs Insights', value: 'CWLI' },
  { label: 'OpenSearch SQL', value: 'SQL' },
  { label: 'OpenSearch PPL', value: 'PPL' },
];

const PLACEHOLDERS: Record<LogsQueryLanguage, string> = {
  CWLI: 'fields @timestamp, @message | sort @timestamp desc | limit 20',
  SQL: 'SELECT `@timestamp`, `@message` FROM `logGroups(logGroupIdentifier: [\'/app/web\'])` LIMIT 20',
  PPL: 'fields `@timestamp`, `@message` | head 20',
};

interface Props {
  datasource: DataSource;
  query: LogsQuery;
  onChange: (query: LogsQuery) => void;
  onRunQuery: () => void;
  /** The panel's queries. */
  queries?: DataQuery[];
}

const groupOption = (g: LogGroup): SelectableValue<LogGroup> => ({
  label: g.name,
  value: g,
  description: g.accountId,
});

/** Groups of a stored query: `logGroups`, or the older `logGroupNames`. */
function storedGroups(query: LogsQuery): LogGroup[] {
  if (query.logGroups?.length) {
    return query.logGroups;
  }
  return (query.logGroupNames ?? []).map((name) => ({ arn: '', name }));
}

/** The Logs editor: region, log groups (searched as you type, ARNs kept), query language and the query. */
export function LogsQueryEditor({ datasource, query: raw, onChange, onRunQuery, queries }: Props) {
  const query: LogsQuery = { ...DEFAULT_LOGS_QUERY, ...raw, queryMode: 'Logs' };
  const language = query.queryLanguage ?? 'CWLI';
  const set = (patch: Partial<LogsQuery>) => onChange({ ...query, ...patch });
  const groups = storedGroups(query);

  const search = (pattern: string) =>
    datasource.getLogGroups(query.region, pattern).then(
      (found) => found.map(groupOption),
      () => []
    );

  return (
    <Stack direction="column" gap={1}>
      <InlineFieldRow>
        <RegionField datasource={datasource} value={query.region} onChange={(region) => set({ region })} />
        <InlineField label="Language" labelWidth={10}>
          <RadioButtonGroup options={LANGUAGES} value={language} onChange={(queryLanguage) => set({ queryLanguage })} size="sm" />
        </InlineField>
      </InlineFieldRow>
      {language !== 'SQL' && (
        <InlineField label="Log groups" labelWidth={14} grow tooltip="Type to search; up to 50 groups per query. SQL queries name their groups in FROM.">
          <AsyncMultiSelect<LogGroup>
            aria-label="Log groups"
            key={query.region}
            defaultOptions
            cacheOptions
            loadOptions={search}
            value={groups.map(groupOption)}
            placeholder="Choose log groups"
            onChange={(chosen) => {
              const logGroups = (chosen ?? []).flatMap((o: SelectableValue<LogGroup>) => (o.value ? [o.value] : []));
              // The current form replaces the older names list.
              onChange({ ...query, logGroups, logGroupNames: undefined });
            }}
          />
        </InlineField>
      )}
      <InlineField label="Query" labelWidth={14} grow>
        {language === 'CWLI' ? (
          <LazyCodeField
            language="logs"
            label="Logs query"
            value={query.expression}
            onChange={(expression) => set({ expression })}
            onRunQuery={onRunQuery}
            source={completionSource(datasource, { region: query.region, logGroups: groups, queries, refId: query.refId })}
            height={100}
          />
        ) : (
          <TextArea
          aria-label="Logs query"
          rows={4}
          style={{ fontFamily: 'monospace' }}
          placeholder={PLACEHOLDERS[language]}
          value={query.expression}
          onChange={(e) => set({ expression: e.currentTarget.value })}
          onBlur={onRunQuery}
          />
        )}
      </InlineField>
    </Stack>
  );
}
