// Editors most panels never open are chunks of their own, fetched the first time one shows: the
// code editor with its languages, and the Metrics Insights editor with its SQL parser.
import React, { Suspense } from 'react';
import { LoadingPlaceholder } from '@grafana/ui';

import type { CodeFieldProps } from './CodeField';
import type { InsightsEditorProps } from './InsightsEditor';

const CodeField = React.lazy(() => import(/* webpackChunkName: "code-editor" */ './CodeField'));
const InsightsEditor = React.lazy(() => import(/* webpackChunkName: "insights-editor" */ './InsightsEditor'));

const loading = <LoadingPlaceholder text="Loading editor…" />;

/** A code field, loaded on first use. */
export function LazyCodeField(props: CodeFieldProps) {
  return (
    <Suspense fallback={loading}>
      <CodeField {...props} />
    </Suspense>
  );
}

/** The Metrics Insights editor, loaded on first use. */
export function LazyInsightsEditor(props: InsightsEditorProps) {
  return (
    <Suspense fallback={loading}>
      <InsightsEditor {...props} />
    </Suspense>
  );
}
