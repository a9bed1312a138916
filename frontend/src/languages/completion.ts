// What every language's completion returns, and where the candidates come from: the same cached
// lookups the builders use (the data source's resource routes).

/** The kind of a suggestion; the editor picks its icon from it. */
export enum SuggestionKind {
  Keyword = 'keyword',
  Function = 'function',
  Namespace = 'module',
  Metric = 'field',
  DimensionKey = 'property',
  DimensionValue = 'value',
  QueryId = 'reference',
  Field = 'variable',
  Variable = 'constant',
}

/** One completion item. `insert` defaults to the label. */
export interface Suggestion {
  label: string;
  kind: SuggestionKind;
  insert?: string;
  detail?: string;
}

/** Suggestions for the cursor, replacing the text from `from` (an offset into the text before the
 * cursor) to the cursor. */
export interface Completion {
  from: number;
  suggestions: Suggestion[];
}

/** The lookups completion draws from; a failed lookup yields no suggestions, never an error. */
export interface CompletionSource {
  namespaces(): Promise<string[]>;
  metrics(namespace: string): Promise<string[]>;
  dimensionKeys(namespace: string, metric: string): Promise<string[]>;
  dimensionValues(namespace: string, metric: string, key: string): Promise<string[]>;
  /** Fields of the selected log groups (Logs Insights). */
  logFields(): Promise<string[]>;
  /** Ids other queries of the panel can be referenced by in math. */
  queryIds(): string[];
  /** The dashboard's template variables, as `$name`. */
  variables(): string[];
}

/** A lookup's result, or nothing when it fails. */
export const safely = async (lookup: () => Promise<string[]>): Promise<string[]> => {
  try {
    return await lookup();
  } catch {
    return [];
  }
};

/** Suggestions of one kind from plain values. */
export const suggest = (values: readonly string[], kind: SuggestionKind, insert?: (v: string) => string, detail?: string): Suggestion[] =>
  values.map((v) => ({ label: v, kind, insert: insert ? insert(v) : undefined, detail }));
