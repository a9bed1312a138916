import { ScopedVars } from '@grafana/data';

import type { Templates } from '../src/interpolate';

/** A dashboard variable as Grafana's template service sees it. */
export interface TestVariable {
  values: string[];
  /** What "All" stands for when it is selected. */
  allValue?: string;
  all?: boolean;
}

/**
 * A stand-in for Grafana's template service (it lives in Grafana itself, not in a package), following its
 * documented formats: `$name`, `${name}` and `${name:format}`; several values as `{a,b}` by default, `a|b` with the
 * pipe format; "All" with an all value gives that value as it is; unknown variables stay as written.
 */
export function templates(variables: Record<string, TestVariable>): Templates {
  return {
    replace(target?: string, _scoped?: ScopedVars, format?: unknown): string {
      return (target ?? '').replace(/\$\{(\w+)(?::(\w+))?\}|\$(\w+)/g, (whole, braced, inner, plain) => {
        const v = variables[braced ?? plain];
        if (!v) {
          return whole;
        }
        if (v.all && v.allValue !== undefined) {
          return v.allValue;
        }
        const fmt = inner ?? (typeof format === 'string' ? format : undefined);
        if (v.values.length === 1) {
          return fmt === 'json' ? JSON.stringify(v.values[0]) : v.values[0];
        }
        if (fmt === 'pipe') {
          return v.values.join('|');
        }
        if (fmt === 'json') {
          return JSON.stringify(v.values);
        }
        return `{${v.values.join(',')}}`;
      });
    },
  };
}
