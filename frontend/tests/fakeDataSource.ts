import { vi } from 'vitest';

import { Account } from '../src/types';
import { answer, withResources } from './answers';

export { ANSWERS, LINKED } from './answers';

/** A data source whose resource calls are recorded and answered from a table. */
export function fakeDataSource(accounts: Account[] = []) {
  const getResource = vi.fn((path: string) => answer(path, accounts));
  return { ds: withResources(getResource), getResource };
}
