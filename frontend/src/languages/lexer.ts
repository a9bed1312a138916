// A small table-driven lexer shared by Stratus's three editor languages: the same tokens colour the
// code editor and feed the Metrics Insights builder's parser, so what is highlighted is what is parsed.

/** What a token is; each maps to a Monaco theme scope. */
export enum TokenKind {
  Whitespace = 'white',
  Keyword = 'keyword',
  Function = 'predefined',
  Identifier = 'identifier',
  QuotedIdentifier = 'type',
  String = 'string',
  Number = 'number',
  Operator = 'operator',
  Delimiter = 'delimiter',
  Variable = 'variable',
  Field = 'variable.field',
  Regex = 'regexp',
  Comment = 'comment',
  Invalid = 'invalid',
}

/** One token: its kind, its text and where it starts in the input. */
export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
}

/** A rule: a sticky pattern and the kind of what it matches (or a function deciding from the text). */
export interface Rule {
  pattern: RegExp;
  kind: TokenKind | ((text: string, previous: Token[]) => TokenKind);
}

/** Builds a sticky regular expression (matching only at `lastIndex`). */
export const sticky = (source: string, flags = ''): RegExp => new RegExp(source, `y${flags}`);

/** Splits `text` into tokens by the first rule that matches at each position; a character no rule
 * matches becomes an Invalid token, so the lexer always makes progress and never throws. */
export function lex(text: string, rules: Rule[]): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    let matched: Token | undefined;
    for (const rule of rules) {
      rule.pattern.lastIndex = at;
      const m = rule.pattern.exec(text);
      if (m && m[0].length > 0) {
        const kind = typeof rule.kind === 'function' ? rule.kind(m[0], tokens) : rule.kind;
        matched = { kind, text: m[0], start: at };
        break;
      }
    }
    const token = matched ?? { kind: TokenKind.Invalid, text: text[at], start: at };
    tokens.push(token);
    at += token.text.length;
  }
  return tokens;
}

/** The tokens that carry meaning (no whitespace or comments). */
export const significant = (tokens: Token[]): Token[] =>
  tokens.filter((t) => t.kind !== TokenKind.Whitespace && t.kind !== TokenKind.Comment);

/** Grafana template variables: $name, ${name}, ${name:format}, [[name]]. */
export const VARIABLE_RULE: Rule = { pattern: sticky('\\$\\{[^}]*\\}|\\$\\w+|\\[\\[\\w+\\]\\]'), kind: TokenKind.Variable };

/** Spaces, tabs and newlines. */
export const WHITESPACE_RULE: Rule = { pattern: sticky('\\s+'), kind: TokenKind.Whitespace };

/** Integers and decimals. */
export const NUMBER_RULE: Rule = { pattern: sticky('\\d+(\\.\\d+)?([eE][-+]?\\d+)?'), kind: TokenKind.Number };

/** A quoted run with backslash escapes; an unterminated one runs to the end (still one token). */
export const quoted = (quote: string): RegExp => sticky(`${quote}(?:[^${quote}\\\\]|\\\\.)*(?:${quote}|$)`);
