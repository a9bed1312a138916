import { describe, expect, it } from 'vitest';

import { InsightsQuery, parseInsights, printInsights, toGrafanaSql } from './insightsQuery';

const q = (patch: Partial<InsightsQuery>): InsightsQuery => ({
  aggregation: 'AVG',
  metric: 'CPUUtilization',
  source: { kind: 'namespace', namespace: 'AWS/EC2' },
  filters: [],
  groupBy: [],
  ...patch,
});

// SQL as users and Grafana's builder write it → the builder's query → the builder's SQL. A template
// variable is printed quoted, so whatever it expands to (AWS/EC2) is still one name.
const REPRESENTABLE: Array<[string, InsightsQuery, string]> = [
  ['SELECT AVG(CPUUtilization) FROM "AWS/EC2"', q({}), 'SELECT AVG(CPUUtilization) FROM "AWS/EC2"'],
  [
    'select max(CPUUtilization) from schema("AWS/EC2", InstanceId)',
    q({ aggregation: 'MAX', source: { kind: 'schema', namespace: 'AWS/EC2', keys: ['InstanceId'] } }),
    'SELECT MAX(CPUUtilization) FROM SCHEMA("AWS/EC2", InstanceId)',
  ],
  [
    `SELECT SUM(RequestCount) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer, TargetGroup) WHERE LoadBalancer = 'app/web/1' AND TargetGroup != '$tg' GROUP BY LoadBalancer ORDER BY SUM() DESC LIMIT 10`,
    {
      aggregation: 'SUM',
      metric: 'RequestCount',
      source: { kind: 'schema', namespace: 'AWS/ApplicationELB', keys: ['LoadBalancer', 'TargetGroup'] },
      filters: [
        { key: 'LoadBalancer', operator: '=', value: 'app/web/1' },
        { key: 'TargetGroup', operator: '!=', value: '$tg' },
      ],
      groupBy: ['LoadBalancer'],
      orderBy: { aggregation: 'SUM', direction: 'DESC' },
      limit: 10,
    },
    `SELECT SUM(RequestCount) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer, TargetGroup) WHERE LoadBalancer = 'app/web/1' AND TargetGroup != '$tg' GROUP BY LoadBalancer ORDER BY SUM() DESC LIMIT 10`,
  ],
  ['SELECT COUNT("Cluster Status") FROM SCHEMA("AWS/ElasticMapReduce")', q({ aggregation: 'COUNT', metric: 'Cluster Status', source: { kind: 'schema', namespace: 'AWS/ElasticMapReduce', keys: [] } }), 'SELECT COUNT("Cluster Status") FROM SCHEMA("AWS/ElasticMapReduce")'],
  ['SELECT MIN(Latency) FROM $namespace GROUP BY "Broker ID", Topic', q({ aggregation: 'MIN', metric: 'Latency', source: { kind: 'namespace', namespace: '$namespace' }, groupBy: ['Broker ID', 'Topic'] }), 'SELECT MIN(Latency) FROM "$namespace" GROUP BY "Broker ID", Topic'],
  [`SELECT AVG(CPUUtilization) FROM "AWS/EC2" WHERE InstanceId = 'it\\'s' ORDER BY AVG()`, q({ filters: [{ key: 'InstanceId', operator: '=', value: "it's" }], orderBy: { aggregation: 'AVG' } }), `SELECT AVG(CPUUtilization) FROM "AWS/EC2" WHERE InstanceId = 'it\\'s' ORDER BY AVG()`],
  ['SELECT AVG("select") FROM "AWS/EC2" LIMIT 5', q({ metric: 'select', limit: 5 }), 'SELECT AVG("select") FROM "AWS/EC2" LIMIT 5'],
];

// What the builder cannot show, and the reason the editor gives.
const CODE_ONLY: Array<[string, RegExp]> = [
  [`SELECT AVG(CPUUtilization) FROM "AWS/EC2" WHERE InstanceId = 'a' OR InstanceId = 'b'`, /OR stays in code/],
  [`SELECT AVG(CPUUtilization) FROM "AWS/EC2" WHERE (InstanceId = 'a')`, /parentheses/],
  [`SELECT AVG(CPUUtilization) FROM "AWS/EC2" WHERE InstanceId LIKE 'i-%'`, /“LIKE” stays in code/],
  ['SELECT PERCENTILE(CPUUtilization) FROM "AWS/EC2"', /not one of them/],
  ['SELECT AVG(CPUUtilization) FROM "AWS/EC2" ORDER BY MAX(CPUUtilization)', /ORDER BY/],
  ['SELECT AVG(CPUUtilization) FROM "AWS/EC2" LIMIT 2.5', /whole number/],
  ['SELECT AVG(CPUUtilization) FROM "AWS/EC2" LIMIT 5 extra', /cannot show “extra”/],
  ['SELECT AVG(CPUUtilization)', /ends early/],
  ['SELECT AVG(CPUUtilization) FROM "AWS/EC2" WHERE InstanceId = 5', /quoted value/],
  ['SELECT AVG(CPUUtilization) FROM "AWS/EC2"; DROP', /“;” at character 42/],
  ['', /ends early/],
];

describe('the Metrics Insights builder', () => {
  it.each(REPRESENTABLE)('reads %s', (sql, expected, printed) => {
    const parsed = parseInsights(sql);
    expect(parsed).toEqual({ ok: true, query: expected });
    expect(printInsights(expected)).toBe(printed);
    // Build, switch to code and back: nothing is lost.
    expect(parseInsights(printInsights(expected))).toEqual({ ok: true, query: expected });
  });

  it.each(CODE_ONLY)('keeps %s in code mode', (sql, reason) => {
    const parsed = parseInsights(sql);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toMatch(reason);
  });

  it("writes Grafana's builder state beside the SQL", () => {
    expect(toGrafanaSql(REPRESENTABLE[2][1])).toEqual({
      select: { type: 'function', name: 'SUM', parameters: [{ type: 'functionParameter', name: 'RequestCount' }] },
      from: {
        type: 'function',
        name: 'SCHEMA',
        parameters: ['AWS/ApplicationELB', 'LoadBalancer', 'TargetGroup'].map((name) => ({ type: 'functionParameter', name })),
      },
      where: {
        type: 'and',
        expressions: [
          { type: 'operator', property: { type: 'string', name: 'LoadBalancer' }, operator: { name: '=', value: 'app/web/1' } },
          { type: 'operator', property: { type: 'string', name: 'TargetGroup' }, operator: { name: '!=', value: '$tg' } },
        ],
      },
      groupBy: { type: 'and', expressions: [{ type: 'groupBy', property: { type: 'string', name: 'LoadBalancer' } }] },
      orderBy: { type: 'function', name: 'SUM' },
      orderByDirection: 'DESC',
      limit: 10,
    });
    expect(toGrafanaSql(REPRESENTABLE[0][1]).from).toEqual({ type: 'property', property: { type: 'string', name: 'AWS/EC2' } });
  });
});
