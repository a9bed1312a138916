import React from 'react';
import { PanelData } from '@grafana/data';
import { Alert } from '@grafana/ui';

/** The backend's error for this query (it names the field and the fix), shown under its editor. */
export function QueryError({ data, refId }: { data?: PanelData; refId: string }) {
  const errors = (data?.errors ?? (data?.error ? [data.error] : [])).filter((e) => !e.refId || e.refId === refId);
  if (!errors.length) {
    return null;
  }
  return (
    <Alert title={`Query ${refId} failed`} severity="error" aria-label={`Error of query ${refId}`}>
      {errors.map((e, i) => (
        <div key={i}>{e.message}</div>
      ))}
    </Alert>
  );
}
