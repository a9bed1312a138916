// Registers Stratus's languages with the Monaco instance Grafana's CodeEditor provides, and serves
// completion to one editor at a time (each editor asks only about its own text).
import type { Monaco, monacoTypes } from '@grafana/ui';

import { Completion, CompletionSource, SuggestionKind } from './completion';
import { completeInsights, INSIGHTS_LANGUAGE, tokenizeInsights } from './insights';
import { Token, TokenKind } from './lexer';
import { completeLogs, LOGS_LANGUAGE, tokenizeLogs } from './logs';
import { completeMath, MATH_LANGUAGE, tokenizeMath } from './math';

/** One of Stratus's editor languages. */
export interface Language {
  id: string;
  tokenize: (text: string) => Token[];
  complete: (text: string, offset: number, source: CompletionSource) => Promise<Completion>;
  /** Characters after which suggestions open without Ctrl+Space. */
  triggers: string[];
}

export const MATH: Language = { id: MATH_LANGUAGE, tokenize: tokenizeMath, complete: completeMath, triggers: ['(', '[', '{', ',', '=', "'", '"', ' '] };
export const INSIGHTS: Language = { id: INSIGHTS_LANGUAGE, tokenize: tokenizeInsights, complete: completeInsights, triggers: ['(', ',', '"', "'", ' '] };
export const LOGS: Language = { id: LOGS_LANGUAGE, tokenize: tokenizeLogs, complete: completeLogs, triggers: ['|', '(', ',', '@', ' '] };

/** Lines are tokenized alone (no token spans lines), so one state serves every line. */
const NO_STATE: monacoTypes.languages.IState = { clone: () => NO_STATE, equals: () => true };

/** Adds `language` to Monaco once: its id and its token colours. */
export function registerLanguage(monaco: Monaco, language: Language): void {
  if (monaco.languages.getLanguages().some((l) => l.id === language.id)) {
    return;
  }
  monaco.languages.register({ id: language.id });
  monaco.languages.setTokensProvider(language.id, {
    getInitialState: () => NO_STATE,
    tokenize: (line) => ({
      tokens: language.tokenize(line).map((t) => ({ startIndex: t.start, scopes: t.kind === TokenKind.Whitespace ? '' : t.kind })),
      endState: NO_STATE,
    }),
  });
}

const KINDS = (monaco: Monaco): Record<SuggestionKind, monacoTypes.languages.CompletionItemKind> => {
  const k = monaco.languages.CompletionItemKind;
  return {
    [SuggestionKind.Keyword]: k.Keyword,
    [SuggestionKind.Function]: k.Function,
    [SuggestionKind.Namespace]: k.Module,
    [SuggestionKind.Metric]: k.Field,
    [SuggestionKind.DimensionKey]: k.Property,
    [SuggestionKind.DimensionValue]: k.Value,
    [SuggestionKind.QueryId]: k.Reference,
    [SuggestionKind.Field]: k.Variable,
    [SuggestionKind.Variable]: k.Constant,
  };
};

/** Serves completion for `model` only, from `source()` (read at each request, so it follows the query). */
export function provideCompletion(
  monaco: Monaco,
  language: Language,
  model: monacoTypes.editor.ITextModel,
  source: () => CompletionSource
): monacoTypes.IDisposable {
  const kinds = KINDS(monaco);
  return monaco.languages.registerCompletionItemProvider(language.id, {
    triggerCharacters: language.triggers,
    provideCompletionItems: async (asked, position) => {
      if (asked.uri.toString() !== model.uri.toString()) {
        return { suggestions: [] };
      }
      const { from, suggestions } = await language.complete(asked.getValue(), asked.getOffsetAt(position), source());
      const start = asked.getPositionAt(from);
      const range = new monaco.Range(start.lineNumber, start.column, position.lineNumber, position.column);
      return {
        suggestions: suggestions.map((s, i) => ({
          label: s.label,
          kind: kinds[s.kind],
          insertText: s.insert ?? s.label,
          detail: s.detail,
          range,
          // Keep the language's order (clause keywords before variables, for example).
          sortText: String(i).padStart(5, '0'),
        })),
      };
    },
  });
}
