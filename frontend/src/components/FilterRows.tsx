import React, { useState } from 'react';
import { Button, InlineField, InlineFieldRow, Input, TagsInput } from '@grafana/ui';

import { MultiFilters } from '../types';

interface Props {
  /** Names the rows: "EC2 filter", "Tag". */
  noun: string;
  filters: MultiFilters;
  onChange: (filters: MultiFilters) => void;
  keyPlaceholder?: string;
}

type Row = { key: string; values: string[] };

const toRows = (filters: MultiFilters): Row[] => Object.entries(filters).map(([key, values]) => ({ key, values }));

/** Rows rebuilt as filters; rows without a key are kept on screen but not stored. */
const toFilters = (rows: Row[]): MultiFilters => Object.fromEntries(rows.filter((r) => r.key !== '').map((r) => [r.key, r.values]));

/** Editable key / values rows (EC2 filters, tags); no values means any value. */
export function FilterRows({ noun, filters, onChange, keyPlaceholder }: Props) {
  // Rows live here while a key is typed, so a half-typed key keeps its row and its focus.
  const [rows, setRows] = useState<Row[]>(() => toRows(filters));
  const update = (next: Row[]) => {
    setRows(next);
    onChange(toFilters(next));
  };
  return (
    <>
      {rows.map((row, i) => (
        <InlineFieldRow key={i}>
          <InlineField label={noun} labelWidth={20}>
            <Input
              aria-label={`${noun} ${i + 1} name`}
              width={28}
              placeholder={keyPlaceholder}
              value={row.key}
              onChange={(e) => update(rows.map((r, j) => (j === i ? { ...r, key: e.currentTarget.value } : r)))}
            />
          </InlineField>
          <InlineField label="values" labelWidth={8} htmlFor={`${noun}-${i}-values`} tooltip="Press enter after each value; none means any value.">
            <TagsInput
              id={`${noun}-${i}-values`}
              width={40}
              addOnBlur
              placeholder="Value (Enter to add)"
              tags={row.values}
              onChange={(values) => update(rows.map((r, j) => (j === i ? { ...r, values } : r)))}
            />
          </InlineField>
          <Button aria-label={`Remove ${noun} ${i + 1}`} variant="secondary" icon="times" onClick={() => update(rows.filter((_, j) => j !== i))} />
        </InlineFieldRow>
      ))}
      <InlineFieldRow>
        <Button variant="secondary" icon="plus" size="sm" onClick={() => setRows([...rows, { key: '', values: [] }])}>
          Add {noun.toLowerCase()}
        </Button>
      </InlineFieldRow>
    </>
  );
}
