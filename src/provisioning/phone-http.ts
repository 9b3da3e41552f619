/** The phone-facing HTTP vocabulary, framework-neutral: a request in, a response out, and a PUT whose body is yet to be read. */
import type { ServedFile } from './served-file.js';

export interface PhoneHttpRequest {
  method: string;
  /** the raw request target, as sent */
  url: string;
  /** the peer's address */
  ip: string;
  userAgent: string | undefined;
  authorization: string | undefined;
  ifNoneMatch: string | undefined;
  /** PUT bodies only */
  body?: string;
}

export interface PhoneHttpResponse {
  status: number;
  headers: Record<string, string>;
  body?: Buffer | string;
}

const TEXT = 'text/plain; charset=utf-8';
export const textResponse = (status: number, body: string, headers: Record<string, string> = {}): PhoneHttpResponse => ({
  status,
  headers: { 'content-type': TEXT, ...headers },
  body,
});
export const REJECT_TEXT: Record<number, string> = {
  400: 'Bad Request\n',
  403: 'Forbidden\n',
  404: 'Not Found\n',
  405: 'Method Not Allowed\n',
};
export const tooLarge = (): PhoneHttpResponse => textResponse(413, 'Payload Too Large\n', { connection: 'close' });

/** A PUT that passed every check its headers allow: its body may now be read, up to `maxBytes`. */
export interface PendingUpload {
  maxBytes: number;
  /** false: the body is counted and dropped (logs), never held in memory */
  keepBody: boolean;
  complete(body: string): Promise<PhoneHttpResponse>;
}

export interface UploadLimits {
  overrideBytes: number;
  logBytes: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = { overrideBytes: 256 * 1024, logBytes: 1024 * 1024 };

/** A served file as the answer: 304 for a matching ETag, headers only for HEAD; a device's own file is never cached. */
export function fileResponse(req: PhoneHttpRequest, served: ServedFile, secret: boolean): PhoneHttpResponse {
  const headers: Record<string, string> = secret
    ? { etag: served.etag, 'content-type': served.contentType, 'cache-control': 'no-store' }
    : { etag: served.etag, 'content-type': served.contentType };
  if (req.ifNoneMatch === served.etag) return { status: 304, headers };
  if (req.method === 'HEAD') {
    headers['content-length'] = String(served.body.length);
    return { status: 200, headers };
  }
  return { status: 200, headers, body: served.body };
}
