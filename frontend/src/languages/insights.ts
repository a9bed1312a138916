// Metrics Insights SQL: tokens for the code editor and the builder's parser, and completion from the
// lookups (namespaces, metrics, dimension keys and values).
import { Completion, CompletionSource, safely, suggest, Suggestion, SuggestionKind } from './completion';
import { lex, NUMBER_RULE, quoted, Rule, significant, sticky, Token, TokenKind, VARIABLE_RULE, WHITESPACE_RULE } from './lexer';

/** The language id registered with Monaco. */
export const INSIGHTS_LANGUAGE = 'stratus-metrics-insights';

/** Aggregations Metrics Insights offers in SELECT and ORDER BY. */
export const AGGREGATIONS = ['AVG', 'COUNT', 'MAX', 'MIN', 'SUM'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

const FUNCTIONS = new Set<string>([...AGGREGATIONS, 'SCHEMA']);
const KEYWORDS = new Set(['SELECT', 'FROM', 'WHERE', 'AND', 'OR', 'NOT', 'LIKE', 'IN', 'GROUP', 'BY', 'ORDER', 'ASC', 'DESC', 'LIMIT']);

const RULES: Rule[] = [
  WHITESPACE_RULE,
  { pattern: quoted("'"), kind: TokenKind.String },
  { pattern: quoted('"'), kind: TokenKind.QuotedIdentifier },
  VARIABLE_RULE,
  NUMBER_RULE,
  {
    pattern: sticky('[A-Za-z_][A-Za-z0-9_]*'),
    kind: (word) => (KEYWORDS.has(word.toUpperCase()) ? TokenKind.Keyword : FUNCTIONS.has(word.toUpperCase()) ? TokenKind.Function : TokenKind.Identifier),
  },
  { pattern: sticky('!=|<>|<=|>=|[=<>*]'), kind: TokenKind.Operator },
  { pattern: sticky('[(),]'), kind: TokenKind.Delimiter },
];

/** Metrics Insights tokens of `text`. */
export const tokenizeInsights = (text: string): Token[] => lex(text, RULES);

/** An identifier as SQL text: bare when it can be, double-quoted otherwise. */
export function quoteIdentifier(name: string): string {
  const bare = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name.toUpperCase()) && !FUNCTIONS.has(name.toUpperCase());
  return bare ? name : `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A string literal as SQL text. */
export const quoteString = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The name an identifier or string token stands for (quotes and escapes removed). */
export function unquote(token: Token): string {
  if (token.kind === TokenKind.QuotedIdentifier || token.kind === TokenKind.String) {
    const quote = token.text[0];
    const inner = token.text.endsWith(quote) && token.text.length > 1 ? token.text.slice(1, -1) : token.text.slice(1);
    return inner.replace(/\\(.)/g, '$1');
  }
  return token.text;
}

const upper = (t: Token | undefined) => (t ? t.text.toUpperCase() : '');
const isName = (t: Token | undefined) => t !== undefined && (t.kind === TokenKind.Identifier || t.kind === TokenKind.QuotedIdentifier || t.kind === TokenKind.Variable);

/** The namespace and metric a query names so far (FROM ns, FROM SCHEMA(ns, ...), SELECT fn(metric)). */
export function scopeOf(tokens: Token[]): { namespace: string; metric: string } {
  const sig = significant(tokens);
  let namespace = '';
  let metric = '';
  sig.forEach((t, i) => {
    if (upper(t) === 'FROM') {
      const next = sig[i + 1];
      const inSchema = upper(next) === 'SCHEMA' && sig[i + 2]?.text === '(';
      const name = inSchema ? sig[i + 3] : next;
      if (isName(name)) {
        namespace = unquote(name!);
      }
    }
    if (t.kind === TokenKind.Function && upper(t) !== 'SCHEMA' && sig[i + 1]?.text === '(' && isName(sig[i + 2]) && !metric) {
      metric = unquote(sig[i + 2]);
    }
  });
  return { namespace, metric };
}

/** A word, or a quoted name or string not yet closed: what the suggestion replaces. */
export function isBeingTyped(token: Token): boolean {
  switch (token.kind) {
    case TokenKind.Identifier:
    case TokenKind.Keyword:
    case TokenKind.Function:
      return true;
    case TokenKind.QuotedIdentifier:
    case TokenKind.String:
      return token.text.length === 1 || !token.text.endsWith(token.text[0]) || token.text.endsWith(`\\${token.text[0]}`);
    default:
      return false;
  }
}

const keywords = (...words: string[]): Suggestion[] => suggest(words, SuggestionKind.Keyword);
const CLAUSES_AFTER_FROM = ['WHERE', 'GROUP BY', 'ORDER BY', 'LIMIT'];

/** Completion at `offset` of `text`. */
export async function completeInsights(text: string, offset: number, source: CompletionSource): Promise<Completion> {
  const before = tokenizeInsights(text.slice(0, offset));
  const last = before[before.length - 1];
  const partial = last && isBeingTyped(last) ? last : undefined;
  const from = partial ? partial.start : offset;
  const context = significant(partial ? before.slice(0, -1) : before);
  const { namespace, metric } = scopeOf(tokenizeInsights(text));
  const [prev, prev2] = [context[context.length - 1], context[context.length - 2], context[context.length - 3]];
  const clause = [...context].reverse().find((t) => ['SELECT', 'FROM', 'WHERE', 'GROUP', 'ORDER', 'LIMIT'].includes(upper(t)));
  const done = (suggestions: Suggestion[]): Completion => ({ from, suggestions: [...suggestions, ...suggest(source.variables(), SuggestionKind.Variable)] });
  const names = async (lookup: () => Promise<string[]>, kind: SuggestionKind) => suggest(await safely(lookup), kind, quoteIdentifier);
  const keys = () => names(() => source.dimensionKeys(namespace, metric), SuggestionKind.DimensionKey);

  if (!prev) {
    return done(keywords('SELECT'));
  }
  switch (upper(prev)) {
    case 'SELECT':
      return done(suggest(AGGREGATIONS, SuggestionKind.Function, (f) => `${f}(`));
    case 'FROM':
      return done([...(await names(() => source.namespaces(), SuggestionKind.Namespace)), ...suggest(['SCHEMA'], SuggestionKind.Function, () => 'SCHEMA(')]);
    case 'WHERE':
    case 'AND':
    case 'OR':
      return done(await keys());
    case 'GROUP':
    case 'ORDER':
      return done(keywords('BY'));
    case 'BY':
      return upper(prev2) === 'ORDER' ? done(suggest(AGGREGATIONS.map((f) => `${f}()`), SuggestionKind.Function)) : done(await keys());
    case '=':
    case '!=': {
      const key = prev2 && isName(prev2) ? unquote(prev2) : '';
      return done(suggest(await safely(() => source.dimensionValues(namespace, metric, key)), SuggestionKind.DimensionValue, quoteString));
    }
    case '(':
      if (upper(prev2) === 'SCHEMA') {
        return done(await names(() => source.namespaces(), SuggestionKind.Namespace));
      }
      if (prev2?.kind === TokenKind.Function && upper(clause) === 'SELECT') {
        return done(await names(() => source.metrics(namespace), SuggestionKind.Metric));
      }
      break;
    case ',':
      if (upper(clause) === 'FROM' || upper(clause) === 'GROUP') {
        return done(await keys());
      }
      break;
    case ')':
      if (upper(clause) === 'SELECT') {
        return done(keywords('FROM'));
      }
      if (upper(clause) === 'FROM') {
        return done(keywords(...CLAUSES_AFTER_FROM));
      }
      if (upper(clause) === 'ORDER') {
        return done(keywords('ASC', 'DESC', 'LIMIT'));
      }
      break;
    case 'ASC':
    case 'DESC':
      return done(keywords('LIMIT'));
  }
  if (isName(prev) || prev.kind === TokenKind.String || prev.kind === TokenKind.Number) {
    switch (upper(clause)) {
      case 'FROM':
        return done(keywords(...CLAUSES_AFTER_FROM));
      case 'WHERE':
        // After a value: the next condition or clause; after a key: its operator.
        return prev.kind === TokenKind.String || ['=', '!='].includes(prev2?.text ?? '')
          ? done(keywords('AND', 'OR', 'GROUP BY', 'ORDER BY', 'LIMIT'))
          : done(suggest(['=', '!='], SuggestionKind.Keyword));
      case 'GROUP':
        return done(keywords('ORDER BY', 'LIMIT'));
    }
  }
  return done(keywords('SELECT', 'FROM', 'WHERE', 'GROUP BY', 'ORDER BY', 'LIMIT'));
}
