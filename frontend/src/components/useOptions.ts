import { useEffect, useState } from 'react';
import { SelectableValue } from '@grafana/data';

/** Select options whose label is their value. */
export const toOptions = (values: string[]): Array<SelectableValue<string>> => values.map((v) => ({ label: v, value: v }));

/** Loads options whenever `deps` change; a failed lookup leaves the list empty (the field still accepts typed values). */
export function useOptions(load: () => Promise<string[]>, deps: unknown[], enabled = true): Array<SelectableValue<string>> {
  const [options, setOptions] = useState<Array<SelectableValue<string>>>([]);
  useEffect(() => {
    let live = true;
    if (!enabled) {
      setOptions([]);
      return;
    }
    load()
      .then((values) => live && setOptions(toOptions(values)))
      .catch(() => live && setOptions([]));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return options;
}
