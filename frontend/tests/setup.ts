import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, vi } from 'vitest';

afterEach(() => cleanup());

// jsdom lacks these browser APIs that @grafana/ui uses.
if (!window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    }) as MediaQueryList;
}
if (!('IntersectionObserver' in window)) {
  (window as unknown as { IntersectionObserver: unknown }).IntersectionObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
    takeRecords() {
      return [];
    }
  };
}
if (!('ResizeObserver' in window)) {
  (window as unknown as { ResizeObserver: unknown }).ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}

// Monaco does not run in jsdom: component tests get a plain text area with the code field's name and
// callbacks. The real CodeEditor, languages and completion run in Chromium (tests/browser).
vi.mock('../src/components/CodeField', async () => {
  const { createElement } = await import('react');
  type Props = import('../src/components/CodeField').CodeFieldProps;
  return {
    default: ({ label, value, onChange, onRunQuery }: Props) =>
      createElement('textarea', {
        'aria-label': label,
        value,
        onChange: (e: { currentTarget: { value: string } }) => onChange(e.currentTarget.value),
        onBlur: onRunQuery,
      }),
  };
});
