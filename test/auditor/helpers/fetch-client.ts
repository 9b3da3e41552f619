/** An HttpClient over globalThis.fetch, so msw can intercept read-back requests in unit tests. */
import type { HttpClient } from '../../../src/auditor/probes/http-client.js';

export const fetchHttpClient: HttpClient = {
  async request(req, signal) {
    try {
      const res = await fetch(`${req.origin}${req.path}`, { method: req.method, headers: req.headers, body: req.body, signal });
      const body = await res.text();
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => {
        headers[k] = v;
      });
      return { ok: true, reply: { status: res.status, headers, body, bytes: body.length, truncated: false } };
    } catch (err) {
      return { ok: false, outcome: 'error', detail: (err as Error).message };
    }
  },
};
