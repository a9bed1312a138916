// A code field: Grafana's CodeEditor (Monaco) with one of Stratus's languages and completion from
// the lookups. Loaded on first use, so dashboards that never open a code editor never load it.
import React, { useRef } from 'react';
import { CodeEditor, Monaco, monacoTypes } from '@grafana/ui';

import { CompletionSource } from '../languages/completion';
import { INSIGHTS, Language, LOGS, MATH, provideCompletion, registerLanguage } from '../languages/monaco';

/** The languages a field can be written in. */
export type CodeLanguage = 'math' | 'insights' | 'logs';

const LANGUAGES: Record<CodeLanguage, Language> = { math: MATH, insights: INSIGHTS, logs: LOGS };

export interface CodeFieldProps {
  language: CodeLanguage;
  /** The editor's accessible name (and the name tests find it by). */
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Runs the query: on blur and on Shift+Enter. */
  onRunQuery: () => void;
  source: CompletionSource;
  height?: number;
}

export default function CodeField({ language, label, value, onChange, onRunQuery, source, height = 80 }: CodeFieldProps) {
  const lang = LANGUAGES[language];
  // The provider reads the latest lookups and callbacks, not the ones of the first render.
  const latest = useRef({ source, onRunQuery, onChange });
  latest.current = { source, onRunQuery, onChange };
  const disposables = useRef<monacoTypes.IDisposable[]>([]);

  const mounted = (editor: monacoTypes.editor.IStandaloneCodeEditor, monaco: Monaco) => {
    const model = editor.getModel();
    if (model) {
      disposables.current.push(provideCompletion(monaco, lang, model, () => latest.current.source));
    }
    editor.addCommand(monaco.KeyMod.Shift | monaco.KeyCode.Enter, () => {
      latest.current.onChange(editor.getValue());
      latest.current.onRunQuery();
    });
  };

  return (
    <CodeEditor
      value={value}
      language={lang.id}
      height={height}
      showLineNumbers={false}
      showMiniMap={false}
      monacoOptions={{
        ariaLabel: label,
        wordWrap: 'on',
        fixedOverflowWidgets: true,
        scrollBeyondLastLine: false,
        renderLineHighlight: 'none',
        overviewRulerLanes: 0,
        folding: false,
        quickSuggestions: true,
        suggest: { showWords: false },
      }}
      onBeforeEditorMount={(monaco) => registerLanguage(monaco, lang)}
      onEditorDidMount={mounted}
      onEditorWillUnmount={() => {
        disposables.current.forEach((d) => d.dispose());
        disposables.current = [];
      }}
      // CodeEditor keeps the onChange it was mounted with: pass one that calls the latest, or an
      // edit would store the query as it was at mount (losing a region or log groups chosen since).
      onChange={(text) => latest.current.onChange(text)}
      onBlur={(text) => {
        latest.current.onChange(text);
        latest.current.onRunQuery();
      }}
    />
  );
}
