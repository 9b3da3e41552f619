/**
 * One HTTP request and its result, as every HTTP client of the auditor (and a vendor's read-back client) sees it:
 * every failure is a result, never a throw. The production client lives in src/auditor/probes/http-client.ts.
 */

export interface HttpRequest {
  /** scheme://host:port */
  origin: string;
  path: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpReply {
  status: number;
  /** lowercase names; repeated headers joined with ", " */
  headers: Record<string, string>;
  body: string;
  bytes: number;
  /** the body was cut at the size cap, or stalled; `note` says which */
  truncated: boolean;
  note?: string;
}

export type HttpResult =
  | { ok: true; reply: HttpReply }
  | { ok: false; outcome: 'closed' | 'timeout' | 'error'; detail: string; beforeConnect?: boolean };

export interface HttpClient {
  request(req: HttpRequest, signal?: AbortSignal): Promise<HttpResult>;
  /**
   * Optional: a bare TCP connect to `origin` before a discovery request. A failure (refused, silent, unreachable) is the
   * result, and no HTTP client is set up for an origin nobody listens on; undefined means the port accepted.
   */
  connectCheck?(origin: string, signal?: AbortSignal): Promise<Extract<HttpResult, { ok: false }> | undefined>;
}
