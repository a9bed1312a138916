// CloudWatch Logs Insights: tokens for the code editor, and completion of commands, functions and
// the fields of the selected log groups (the `log-group-fields` lookup).
import { Completion, CompletionSource, safely, suggest, SuggestionKind } from './completion';
import { lex, NUMBER_RULE, quoted, Rule, significant, sticky, Token, TokenKind, VARIABLE_RULE, WHITESPACE_RULE } from './lexer';

/** The language id registered with Monaco. */
export const LOGS_LANGUAGE = 'stratus-logs-insights';

/** Logs Insights commands, each starting a stage of the `|` pipeline. */
export const LOGS_COMMANDS = ['fields', 'display', 'filter', 'filterIndex', 'stats', 'sort', 'limit', 'parse', 'dedup', 'pattern', 'diff', 'anomaly', 'unmask', 'unnest', 'SOURCE'];

/** Aggregations of `stats`. */
export const STATS_FUNCTIONS = ['avg', 'count', 'count_distinct', 'earliest', 'latest', 'max', 'min', 'pct', 'sortsFirst', 'sortsLast', 'stddev', 'sum'];

/** Functions usable in fields, filter and stats. */
export const LOGS_FUNCTIONS = [
  'abs', 'bin', 'ceil', 'coalesce', 'concat', 'dateceil', 'datefloor', 'floor', 'fromMillis', 'greatest', 'isIpInSubnet', 'isIpv4InSubnet',
  'isIpv6InSubnet', 'isValidIp', 'isValidIpV4', 'isValidIpV6', 'isblank', 'isempty', 'ispresent', 'least', 'log', 'ltrim', 'replace', 'rtrim',
  'sqrt', 'strcontains', 'strlen', 'substr', 'toMillis', 'tolower', 'toupper', 'trim',
];

/** Fields every log event has. */
export const SYSTEM_FIELDS = ['@timestamp', '@message', '@logStream', '@log', '@ingestionTime', '@ptr'];

const KEYWORDS = new Set(['by', 'as', 'asc', 'desc', 'and', 'or', 'not', 'like', 'in']);
const COMMAND_SET = new Set(LOGS_COMMANDS.map((c) => c.toLowerCase()));
const FUNCTION_SET = new Set([...STATS_FUNCTIONS, ...LOGS_FUNCTIONS].map((f) => f.toLowerCase()));

/** The previous token that carries meaning. */
const previous = (tokens: Token[]): Token | undefined => significant(tokens).pop();

const RULES: Rule[] = [
  WHITESPACE_RULE,
  { pattern: sticky('#[^\\n]*'), kind: TokenKind.Comment },
  { pattern: quoted('"'), kind: TokenKind.String },
  { pattern: quoted("'"), kind: TokenKind.String },
  { pattern: quoted('`'), kind: TokenKind.Field },
  {
    // A regular expression only where one is expected: after like, =~ or `parse <field>`.
    pattern: sticky('/(?:[^/\\\\\\n]|\\\\.)+/'),
    kind: (_text, tokens) => {
      const sig = significant(tokens);
      const [p1, p2] = [sig[sig.length - 1], sig[sig.length - 2]];
      return p1?.text.toLowerCase() === 'like' || p1?.text === '=~' || p2?.text.toLowerCase() === 'parse' ? TokenKind.Regex : TokenKind.Operator;
    },
  },
  { pattern: sticky('@[A-Za-z0-9_.]+'), kind: TokenKind.Field },
  VARIABLE_RULE,
  NUMBER_RULE,
  {
    pattern: sticky('[A-Za-z_][A-Za-z0-9_.\\-]*'),
    kind: (word, tokens) => {
      const lower = word.toLowerCase();
      const p = previous(tokens);
      if ((p === undefined || p.text === '|') && COMMAND_SET.has(lower)) {
        return TokenKind.Keyword;
      }
      return KEYWORDS.has(lower) ? TokenKind.Keyword : FUNCTION_SET.has(lower) ? TokenKind.Function : TokenKind.Identifier;
    },
  },
  { pattern: sticky('=~|!=|<=|>=|[-+*/%=<>]'), kind: TokenKind.Operator },
  { pattern: sticky('[|(),]'), kind: TokenKind.Delimiter },
];

/** Logs Insights tokens of `text`. */
export const tokenizeLogs = (text: string): Token[] => lex(text, RULES);

const fieldName = (f: string) => (/^[@A-Za-z_][A-Za-z0-9_.@]*$/.test(f) ? f : `\`${f}\``);

/** Completion at `offset` of a Logs Insights query. */
export async function completeLogs(text: string, offset: number, source: CompletionSource): Promise<Completion> {
  const before = tokenizeLogs(text.slice(0, offset));
  const last = before[before.length - 1];
  const partial = last && [TokenKind.Identifier, TokenKind.Keyword, TokenKind.Function, TokenKind.Field].includes(last.kind) ? last : undefined;
  const from = partial ? partial.start : offset;
  const context = significant(partial ? before.slice(0, -1) : before);
  const stage = context.slice(context.map((t) => t.text).lastIndexOf('|') + 1);
  const command = stage[0]?.text.toLowerCase();
  const prev = context[context.length - 1];

  if (!command) {
    return { from, suggestions: suggest(LOGS_COMMANDS, SuggestionKind.Keyword) };
  }
  const fields = async () => {
    const found = await safely(() => source.logFields());
    return suggest([...new Set([...SYSTEM_FIELDS, ...found])], SuggestionKind.Field, fieldName);
  };
  const functions = (names: string[]) => suggest(names, SuggestionKind.Function, (f) => `${f}(`);
  const byClause = stage.some((t) => t.text.toLowerCase() === 'by');
  if (command === 'stats' && !byClause && (prev === stage[0] || prev?.text === ',')) {
    return { from, suggestions: functions(STATS_FUNCTIONS) };
  }
  if (command === 'stats' && prev?.text.toLowerCase() === 'by') {
    return { from, suggestions: [...(await fields()), ...functions(['bin'])] };
  }
  if (command === 'sort' && prev !== stage[0] && prev?.text !== ',') {
    return { from, suggestions: suggest(['asc', 'desc'], SuggestionKind.Keyword) };
  }
  if (command === 'limit') {
    return { from, suggestions: [] };
  }
  return {
    from,
    suggestions: [
      ...(await fields()),
      ...functions(command === 'stats' ? STATS_FUNCTIONS : LOGS_FUNCTIONS),
      ...suggest(command === 'filter' ? ['and', 'or', 'not', 'like', 'in'] : command === 'stats' ? ['by', 'as'] : ['as'], SuggestionKind.Keyword),
      ...suggest(source.variables(), SuggestionKind.Variable),
    ],
  };
}
