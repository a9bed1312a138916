// Metric math and SEARCH: tokens for the code editor, and completion of functions, the panel's query
// ids, and inside a SEARCH expression namespaces, metric names and dimension keys and values.
import { Completion, CompletionSource, safely, suggest, Suggestion, SuggestionKind } from './completion';
import { lex, NUMBER_RULE, quoted, Rule, significant, sticky, Token, TokenKind, VARIABLE_RULE, WHITESPACE_RULE } from './lexer';

/** The language id registered with Monaco. */
export const MATH_LANGUAGE = 'stratus-metric-math';

/** CloudWatch's metric math functions. */
export const MATH_FUNCTIONS = [
  'ABS', 'ANOMALY_DETECTION_BAND', 'AVG', 'CEIL', 'DATAPOINT_COUNT', 'DAY', 'DB_PERF_INSIGHTS', 'DIFF', 'DIFF_TIME', 'EPOCH', 'FILL',
  'FIRST', 'FLOOR', 'HOUR', 'IF', 'INSIGHT_RULE_METRIC', 'LAST', 'LOG', 'LOG10', 'MAX', 'METRIC_COUNT', 'METRICS', 'MIN', 'MINUTE',
  'MONTH', 'PERIOD', 'RATE', 'REMOVE_EMPTY', 'RUNNING_SUM', 'SEARCH', 'SERVICE_QUOTA', 'SLICE', 'SORT', 'STDDEV', 'SUM',
  'TIME_SERIES', 'YEAR',
];

/** Words with a meaning inside functions (FILL(m, REPEAT), SORT(m, AVG, DESC), IF(a AND b, ...)). */
const MATH_KEYWORDS = ['AND', 'OR', 'NOT', 'ASC', 'DESC', 'REPEAT', 'LINEAR'];

/** Statistics SEARCH takes as its second argument. */
const SEARCH_STATISTICS = ['Average', 'Sum', 'Minimum', 'Maximum', 'SampleCount', 'p99', 'p95', 'p90', 'p50'];

const FUNCTION_SET = new Set(MATH_FUNCTIONS);
const KEYWORD_SET = new Set(MATH_KEYWORDS);

const RULES: Rule[] = [
  WHITESPACE_RULE,
  { pattern: quoted("'"), kind: TokenKind.String },
  { pattern: quoted('"'), kind: TokenKind.String },
  VARIABLE_RULE,
  NUMBER_RULE,
  {
    pattern: sticky('[A-Za-z_][A-Za-z0-9_]*'),
    kind: (word) => (FUNCTION_SET.has(word.toUpperCase()) ? TokenKind.Function : KEYWORD_SET.has(word.toUpperCase()) ? TokenKind.Keyword : TokenKind.Identifier),
  },
  { pattern: sticky('==|!=|<=|>=|[-+*/^<>]'), kind: TokenKind.Operator },
  { pattern: sticky('[()[\\],]'), kind: TokenKind.Delimiter },
];

/** Metric math tokens of `text`. */
export const tokenizeMath = (text: string): Token[] => lex(text, RULES);

/** The ids a math expression can use for the panel's other queries: their `id`, or `query<refId>`. */
export function queryIdsOf(queries: Array<{ refId: string; id?: string }>, self: string): string[] {
  return queries
    .filter((q) => q.refId !== self)
    .map((q) => (q.id ? q.id : `query${q.refId.replace(/[^A-Za-z0-9_]/g, '_')}`));
}

/** What the SEARCH expression typed so far names: `{Namespace,...}` or `Namespace="..."`, and `MetricName="..."`. */
function searchScope(expression: string): { namespace: string; metric: string } {
  const braces = /\{\s*"?([^,}"]+)"?/.exec(expression);
  const named = /Namespace\s*=\s*"?([^"\s)]+)"?/.exec(expression);
  const metric = /MetricName\s*=\s*"?([^"\s)]+)"?/.exec(expression);
  return { namespace: (braces?.[1] ?? named?.[1] ?? '').trim(), metric: metric?.[1] ?? '' };
}

const needsQuotes = (v: string) => (/^[A-Za-z0-9_\-./:]+$/.test(v) ? v : `"${v.replace(/"/g, '\\"')}"`);
const dquote = (v: string) => `"${v.replace(/"/g, '\\"')}"`;

/** Completion inside a SEARCH expression (the text of the quoted string up to the cursor). */
async function completeSearch(inside: string, offset: number, source: CompletionSource): Promise<Completion> {
  const word = /[^\s{},=()'"]*"?[^\s{},=()'"]*$/.exec(inside)?.[0] ?? '';
  const from = offset - word.length;
  const head = inside.slice(0, inside.length - word.length);
  const { namespace, metric } = searchScope(inside);
  const open = head.lastIndexOf('{') > head.lastIndexOf('}');
  if (open) {
    const schema = head.slice(head.lastIndexOf('{') + 1);
    return schema.includes(',')
      ? { from, suggestions: suggest(await safely(() => source.dimensionKeys(namespace, metric)), SuggestionKind.DimensionKey, needsQuotes) }
      : { from, suggestions: suggest(await safely(() => source.namespaces()), SuggestionKind.Namespace, needsQuotes) };
  }
  const key = /([A-Za-z0-9_\-.:]+|"[^"]+")\s*=\s*$/.exec(head)?.[1]?.replace(/"/g, '');
  if (key === 'Namespace') {
    return { from, suggestions: suggest(await safely(() => source.namespaces()), SuggestionKind.Namespace, dquote) };
  }
  if (key === 'MetricName') {
    return { from, suggestions: suggest(await safely(() => source.metrics(namespace)), SuggestionKind.Metric, dquote) };
  }
  if (key) {
    return { from, suggestions: suggest(await safely(() => source.dimensionValues(namespace, metric, key)), SuggestionKind.DimensionValue, dquote) };
  }
  const keys = namespace ? await safely(() => source.dimensionKeys(namespace, metric)) : [];
  const suggestions: Suggestion[] = [
    ...suggest(['{', 'Namespace=', 'MetricName='], SuggestionKind.Keyword),
    ...suggest(keys, SuggestionKind.DimensionKey, (k) => `${needsQuotes(k)}=`),
    ...suggest(await safely(() => source.namespaces()), SuggestionKind.Namespace, (n) => `{${n},`),
  ];
  return { from, suggestions };
}

/** Completion at `offset` of a metric math or SEARCH expression. */
export async function completeMath(text: string, offset: number, source: CompletionSource): Promise<Completion> {
  const before = tokenizeMath(text.slice(0, offset));
  const last = before[before.length - 1];
  if (last?.kind === TokenKind.String && last.text[0] === "'" && (last.text.length === 1 || !last.text.endsWith("'"))) {
    return completeSearch(last.text.slice(1), offset, source);
  }
  const partial = last && (last.kind === TokenKind.Identifier || last.kind === TokenKind.Function || last.kind === TokenKind.Keyword) ? last : undefined;
  const from = partial ? partial.start : offset;
  const context = significant(partial ? before.slice(0, -1) : before);
  // SEARCH('expression', 'statistic', period): which argument the cursor is in.
  const search = [...context].reverse().findIndex((t) => t.text.toUpperCase() === 'SEARCH');
  if (search >= 0) {
    const args = context.slice(context.length - search);
    const depth = args.reduce((d, t) => d + (t.text === '(' ? 1 : t.text === ')' ? -1 : 0), 0);
    const commas = args.filter((t) => t.text === ',').length;
    if (depth === 1 && commas === 1) {
      return { from, suggestions: suggest(SEARCH_STATISTICS, SuggestionKind.Keyword, (s) => `'${s}'`) };
    }
    if (depth === 1 && commas === 2) {
      return { from, suggestions: suggest(['$__period_auto', '60', '300', '3600'], SuggestionKind.Variable) };
    }
  }
  return {
    from,
    // The panel's queries first: math is mostly about them.
    suggestions: [
      ...suggest(source.queryIds(), SuggestionKind.QueryId, undefined, 'query in this panel'),
      ...suggest(MATH_FUNCTIONS, SuggestionKind.Function, (f) => `${f}(`),
      ...suggest(['$__period_auto', ...source.variables()], SuggestionKind.Variable),
      ...suggest(MATH_KEYWORDS, SuggestionKind.Keyword),
    ],
  };
}
