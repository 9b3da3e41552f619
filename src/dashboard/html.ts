/** Server-side HTML for the dashboard: the safe template from src/model/html.ts, and query strings. */
export { html, join, type Fragment, type Html } from '../model/html.js';

/** Query string from defined values. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
