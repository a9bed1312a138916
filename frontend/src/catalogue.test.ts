import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { STANDARD_REGIONS } from './catalogue';

// The file the backend compiles in with include_str!, read from disk rather than through the bundler.
// Tests run from frontend/.
const repo = path.resolve(process.cwd(), '..');
const onDisk = JSON.parse(readFileSync(path.join(repo, 'data/aws-cloudwatch-catalogue.json'), 'utf8')) as {
  regions: string[];
  namespaces: Record<string, unknown>;
};
const rustSource = readFileSync(path.join(repo, 'src/resources/catalogue.rs'), 'utf8');

describe('the catalogue', () => {
  it('is the file the backend compiles in', () => {
    expect(rustSource).toContain('include_str!("../../data/aws-cloudwatch-catalogue.json")');
  });

  it('gives the settings page the same regions as the backend', () => {
    expect([...STANDARD_REGIONS]).toEqual(onDisk.regions);
    expect(STANDARD_REGIONS).toContain('us-east-1');
  });

  it("covers Grafana's namespaces", () => {
    expect(Object.keys(onDisk.namespaces).length).toBeGreaterThanOrEqual(130);
  });
});
