// The Metrics Insights builder's model and its two-way mapping with SQL text. The builder shows the
// subset below; parse(print(q)) gives q back, and text outside the subset is refused with the reason,
// so the editor keeps the user in code mode instead of dropping what it cannot show.
import { AGGREGATIONS, Aggregation, quoteIdentifier, quoteString, tokenizeInsights, unquote } from './languages/insights';
import { significant, Token, TokenKind } from './languages/lexer';

/** FROM a namespace, or FROM SCHEMA(namespace, key, ...): only metrics with exactly those keys. */
export type InsightsSource = { kind: 'namespace'; namespace: string } | { kind: 'schema'; namespace: string; keys: string[] };

/** One WHERE condition; the builder joins them with AND. */
export interface InsightsFilter {
  key: string;
  operator: '=' | '!=';
  value: string;
}

/** ORDER BY an aggregation of the result, optionally with a direction. */
export interface InsightsOrder {
  aggregation: Aggregation;
  direction?: 'ASC' | 'DESC';
}

/** A Metrics Insights query the builder can show. */
export interface InsightsQuery {
  aggregation: Aggregation;
  metric: string;
  source: InsightsSource;
  filters: InsightsFilter[];
  groupBy: string[];
  orderBy?: InsightsOrder;
  limit?: number;
}

/** The result of reading SQL text: the builder's query, or why the builder cannot show it. */
export type ParsedInsights = { ok: true; query: InsightsQuery } | { ok: false; reason: string };

/** A new builder query. */
export const EMPTY_INSIGHTS: InsightsQuery = {
  aggregation: 'AVG',
  metric: '',
  source: { kind: 'schema', namespace: '', keys: [] },
  filters: [],
  groupBy: [],
};

/** SQL text of a builder query. */
export function printInsights(q: InsightsQuery): string {
  const from =
    q.source.kind === 'namespace'
      ? quoteIdentifier(q.source.namespace)
      : `SCHEMA(${[q.source.namespace, ...q.source.keys].map(quoteIdentifier).join(', ')})`;
  const parts = [`SELECT ${q.aggregation}(${quoteIdentifier(q.metric)})`, `FROM ${from}`];
  if (q.filters.length) {
    parts.push(`WHERE ${q.filters.map((f) => `${quoteIdentifier(f.key)} ${f.operator} ${quoteString(f.value)}`).join(' AND ')}`);
  }
  if (q.groupBy.length) {
    parts.push(`GROUP BY ${q.groupBy.map(quoteIdentifier).join(', ')}`);
  }
  if (q.orderBy) {
    parts.push(`ORDER BY ${q.orderBy.aggregation}()${q.orderBy.direction ? ` ${q.orderBy.direction}` : ''}`);
  }
  if (q.limit !== undefined) {
    parts.push(`LIMIT ${q.limit}`);
  }
  return parts.join(' ');
}

class Refusal extends Error {}

/** Reads tokens one by one, refusing with a message that names what the builder cannot show. */
class Reader {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.at];
  }

  done(): boolean {
    return this.at >= this.tokens.length;
  }

  isWord(word: string): boolean {
    return this.peek()?.text.toUpperCase() === word;
  }

  take(): Token {
    const t = this.tokens[this.at++];
    if (!t) {
      throw new Refusal('The query ends early.');
    }
    return t;
  }

  expect(text: string, what: string): void {
    const t = this.take();
    if (t.text.toUpperCase() !== text) {
      throw new Refusal(`Expected ${what} but found “${t.text}”.`);
    }
  }

  name(what: string): string {
    const t = this.take();
    if (t.kind === TokenKind.Identifier || t.kind === TokenKind.QuotedIdentifier || t.kind === TokenKind.Variable) {
      return unquote(t);
    }
    throw new Refusal(`Expected ${what} but found “${t.text}”.`);
  }

  aggregation(): Aggregation {
    const t = this.take();
    const name = t.text.toUpperCase() as Aggregation;
    if (!AGGREGATIONS.includes(name)) {
      throw new Refusal(`The builder offers ${AGGREGATIONS.join(', ')}; “${t.text}” is not one of them.`);
    }
    return name;
  }
}

function readSource(r: Reader): InsightsSource {
  if (!r.isWord('SCHEMA')) {
    return { kind: 'namespace', namespace: r.name('a namespace after FROM') };
  }
  r.take();
  r.expect('(', '“(” after SCHEMA');
  const namespace = r.name('a namespace in SCHEMA(...)');
  const keys: string[] = [];
  while (r.peek()?.text === ',') {
    r.take();
    keys.push(r.name('a dimension key in SCHEMA(...)'));
  }
  r.expect(')', '“)” closing SCHEMA(...)');
  return { kind: 'schema', namespace, keys };
}

function readFilters(r: Reader): InsightsFilter[] {
  const filters: InsightsFilter[] = [];
  do {
    if (filters.length) {
      r.take();
    }
    if (r.peek()?.text === '(' || r.isWord('NOT')) {
      throw new Refusal('The builder shows conditions joined by AND; parentheses and NOT stay in code.');
    }
    const key = r.name('a dimension key in WHERE');
    const op = r.take();
    if (op.text !== '=' && op.text !== '!=') {
      throw new Refusal(`The builder compares with = and !=; “${op.text}” stays in code.`);
    }
    const value = r.take();
    if (value.kind !== TokenKind.String && value.kind !== TokenKind.Variable) {
      throw new Refusal(`Expected a quoted value after ${key} ${op.text} but found “${value.text}”.`);
    }
    filters.push({ key, operator: op.text, value: unquote(value) });
    if (r.isWord('OR')) {
      throw new Refusal('The builder joins conditions with AND; a WHERE with OR stays in code.');
    }
  } while (r.isWord('AND'));
  return filters;
}

function readQuery(r: Reader): InsightsQuery {
  r.expect('SELECT', 'SELECT');
  const aggregation = r.aggregation();
  r.expect('(', `“(” after ${aggregation}`);
  const metric = r.name('a metric name');
  r.expect(')', '“)” after the metric name');
  r.expect('FROM', 'FROM after SELECT');
  const q: InsightsQuery = { aggregation, metric, source: readSource(r), filters: [], groupBy: [] };
  if (r.isWord('WHERE')) {
    r.take();
    q.filters = readFilters(r);
  }
  if (r.isWord('GROUP')) {
    r.take();
    r.expect('BY', 'BY after GROUP');
    q.groupBy.push(r.name('a dimension key in GROUP BY'));
    while (r.peek()?.text === ',') {
      r.take();
      q.groupBy.push(r.name('a dimension key in GROUP BY'));
    }
  }
  if (r.isWord('ORDER')) {
    r.take();
    r.expect('BY', 'BY after ORDER');
    const order: InsightsOrder = { aggregation: r.aggregation() };
    r.expect('(', '“(” in ORDER BY');
    r.expect(')', '“()” in ORDER BY: the builder orders by the aggregation of each result');
    if (r.isWord('ASC') || r.isWord('DESC')) {
      order.direction = r.take().text.toUpperCase() as 'ASC' | 'DESC';
    }
    q.orderBy = order;
  }
  if (r.isWord('LIMIT')) {
    r.take();
    const n = r.take();
    if (n.kind !== TokenKind.Number || !/^\d+$/.test(n.text)) {
      throw new Refusal(`LIMIT takes a whole number; “${n.text}” stays in code.`);
    }
    q.limit = Number(n.text);
  }
  if (!r.done()) {
    throw new Refusal(`The builder cannot show “${r.peek()!.text}” here.`);
  }
  return q;
}

/** Reads SQL text into the builder's query, or says why the builder cannot show it. */
export function parseInsights(sql: string): ParsedInsights {
  const tokens = tokenizeInsights(sql);
  const invalid = tokens.find((t) => t.kind === TokenKind.Invalid);
  if (invalid) {
    return { ok: false, reason: `“${invalid.text}” at character ${invalid.start + 1} is not Metrics Insights SQL.` };
  }
  try {
    return { ok: true, query: readQuery(new Reader(significant(tokens))) };
  } catch (e) {
    if (e instanceof Refusal) {
      return { ok: false, reason: e.message };
    }
    throw e;
  }
}

/** Grafana's CloudWatch stores the builder's state as `sql` beside `sqlExpression`; Stratus writes the
 * same shape so a query built here opens in Grafana's builder too. */
export function toGrafanaSql(q: InsightsQuery): Record<string, unknown> {
  const param = (name: string) => ({ type: 'functionParameter', name });
  const property = (name: string) => ({ type: 'string', name });
  const sql: Record<string, unknown> = {
    select: { type: 'function', name: q.aggregation, parameters: [param(q.metric)] },
    from:
      q.source.kind === 'namespace'
        ? { type: 'property', property: property(q.source.namespace) }
        : { type: 'function', name: 'SCHEMA', parameters: [q.source.namespace, ...q.source.keys].map(param) },
  };
  if (q.filters.length) {
    sql.where = {
      type: 'and',
      expressions: q.filters.map((f) => ({ type: 'operator', property: property(f.key), operator: { name: f.operator, value: f.value } })),
    };
  }
  if (q.groupBy.length) {
    sql.groupBy = { type: 'and', expressions: q.groupBy.map((k) => ({ type: 'groupBy', property: property(k) })) };
  }
  if (q.orderBy) {
    sql.orderBy = { type: 'function', name: q.orderBy.aggregation };
    if (q.orderBy.direction) {
      sql.orderByDirection = q.orderBy.direction;
    }
  }
  if (q.limit !== undefined) {
    sql.limit = q.limit;
  }
  return sql;
}
