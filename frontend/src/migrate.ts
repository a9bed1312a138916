import { Dimensions, DEFAULT_VARIABLE_QUERY, MultiFilters, VariableQuery, VariableQueryType } from './types';

/** A stored variable query Grafana's CloudWatch could have written: a legacy string, or an object of any age. */
export type StoredVariableQuery = string | (Partial<Omit<VariableQuery, 'dimensionFilters' | 'ec2Filters' | 'tags'>> & {
  query?: string;
  dimensionFilters?: Dimensions | string;
  ec2Filters?: MultiFilters | Record<string, string | string[]> | string;
  tags?: MultiFilters | Record<string, string | string[]> | string;
});

/** Why a legacy variable string could not be read. */
export class VariableQueryError extends Error {}

/** Grafana's legacy grammar: one regex per function, anchored at the start, one optional space after each comma. */
const LEGACY: Array<[RegExp, (m: RegExpMatchArray) => Partial<VariableQuery>]> = [
  [/^regions\(\)/, () => ({ queryType: VariableQueryType.Regions })],
  [/^namespaces\(\)/, () => ({ queryType: VariableQueryType.Namespaces })],
  [/^statistics\(\)/, () => ({ queryType: VariableQueryType.Statistics })],
  [/^metrics\(([^)]+?)(,\s?([^,]+?))?\)/, (m) => ({ queryType: VariableQueryType.Metrics, namespace: m[1], region: m[3] ?? '' })],
  [/^dimension_keys\(([^)]+?)(,\s?([^,]+?))?\)/, (m) => ({ queryType: VariableQueryType.DimensionKeys, namespace: m[1], region: m[3] ?? '' })],
  [
    /^dimension_values\(([^,]+?),\s?([^,]+?),\s?([^,]+?),\s?([^,]+?)(,\s?(.+))?\)/,
    (m) => ({
      queryType: VariableQueryType.DimensionValues,
      region: m[1],
      namespace: m[2],
      metricName: m[3],
      dimensionKey: m[4],
      dimensionFilters: m[6] ? (jsonFilters(m[6], 'dimension filters') as Dimensions) : {},
    }),
  ],
  [/^ebs_volume_ids\(([^,]+?),\s?([^,]+?)\)/, (m) => ({ queryType: VariableQueryType.EBSVolumeIDs, region: m[1], instanceID: m[2] })],
  [
    /^ec2_instance_attribute\(([^,]+?),\s?([^,]+?),\s?(.+?)\)/,
    (m) => ({
      queryType: VariableQueryType.EC2InstanceAttributes,
      region: m[1],
      attributeName: m[2],
      ec2Filters: toMulti(jsonFilters(m[3], 'EC2 filters')),
    }),
  ],
  [
    /^resource_arns\(([^,]+?),\s?([^,]+?),\s?(.+?)\)/,
    (m) => ({ queryType: VariableQueryType.ResourceArns, region: m[1], resourceType: m[2], tags: toMulti(jsonFilters(m[3], 'tags')) }),
  ],
];

/** JSON filters of a legacy string or an older object; `${name:json}` stands for `"$name"`, as Grafana reads it. */
function jsonFilters(text: string, what: string): Record<string, string | string[]> {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '[]') {
    return {};
  }
  let value: unknown;
  try {
    value = JSON.parse(trimmed.replace(/\$\{(\w+):json\}/g, '"$$$1"'));
  } catch {
    throw new VariableQueryError(`the ${what} are not JSON: ${trimmed}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new VariableQueryError(`the ${what} must be a JSON object, such as {"key": ["value"]}`);
  }
  return value as Record<string, string | string[]>;
}

/** One value becomes a list of one, as Grafana migrates EC2 filters and tags. */
function toMulti(filters: Record<string, string | string[]>): MultiFilters {
  return Object.fromEntries(Object.entries(filters).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
}

function fromLegacy(text: string): VariableQuery {
  const t = text.trim();
  if (t === '') {
    return { ...DEFAULT_VARIABLE_QUERY };
  }
  for (const [regex, build] of LEGACY) {
    const m = t.match(regex);
    if (m) {
      return { ...DEFAULT_VARIABLE_QUERY, ...build(m) };
    }
  }
  throw new VariableQueryError(`unable to parse old variable query: ${t}`);
}

/** Any stored variable query as Grafana's current VariableQuery, so the editor shows it and variables interpolate field by field. */
export function migrateVariableQuery(stored: StoredVariableQuery): VariableQuery {
  if (typeof stored === 'string') {
    return fromLegacy(stored);
  }
  if (!stored.queryType && typeof stored.query === 'string') {
    return { ...fromLegacy(stored.query), refId: stored.refId ?? DEFAULT_VARIABLE_QUERY.refId };
  }
  const { dimensionFilters, ec2Filters, tags, ...rest } = stored;
  delete rest.query;
  const filters = (v: unknown, what: string) => (typeof v === 'string' ? jsonFilters(v, what) : ((v ?? {}) as Record<string, string | string[]>));
  return {
    ...DEFAULT_VARIABLE_QUERY,
    ...rest,
    dimensionFilters: filters(dimensionFilters, 'dimension filters') as Dimensions,
    ec2Filters: toMulti(filters(ec2Filters, 'EC2 filters')),
    tags: toMulti(filters(tags, 'tags')),
  };
}
