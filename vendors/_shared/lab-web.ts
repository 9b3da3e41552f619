/** Small HTTP helpers the vendors' emulated web interfaces share. */
import type { WebRequest, WebResponse } from '../../src/model/vendor-lab.js';

export function basicAuth(headers: WebRequest['headers']): { user: string; password: string } | undefined {
  const raw = headers.authorization;
  const value = Array.isArray(raw) ? raw[0] : raw;
  const m = value ? /^Basic\s+([A-Za-z0-9+/=]{1,512})$/i.exec(value.trim()) : null;
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? undefined : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

export function json(status: number, value: unknown, headers: Record<string, string | string[]> = {}): WebResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

export function html(status: number, body: string, headers: Record<string, string> = {}): WebResponse {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8', ...headers }, body };
}

export const notFound = (): WebResponse => ({ status: 404, headers: { 'content-type': 'text/plain' }, body: 'Not Found\n' });

export function cookie(headers: WebRequest['headers'], name: string): string | undefined {
  const raw = headers.cookie;
  const text = Array.isArray(raw) ? raw.join('; ') : (raw ?? '');
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** `a.b.c.d`, `any`, or wildcard `10.10.*.*` */
export function addressAllowed(source: string, allow: readonly string[]): boolean {
  return allow.some((rule) => {
    if (rule.toLowerCase() === 'any') return true;
    const re = new RegExp(
      `^${rule
        .split('.')
        .map((p) => (p === '*' ? '\\d{1,3}' : p.replace(/[^0-9]/g, '')))
        .join('\\.')}$`,
    );
    return re.test(source);
  });
}
