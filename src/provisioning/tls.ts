/** TLS material for the phone listener: the admin's certificate, or a self-signed one kept in the data directory. */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import ipaddr from 'ipaddr.js';
import { generate } from 'selfsigned';
import type { ServerSettings } from '../model/config-types.js';
import { GhostguardError } from '../model/errors.js';

export interface TlsMaterial {
  cert: string;
  key: string;
  certPath: string;
}

export async function loadTls(settings: ServerSettings): Promise<TlsMaterial | undefined> {
  if (!settings.tls) return undefined;
  if (settings.tls === 'auto') return selfSigned(settings.dataDir, certificateNames(settings));
  try {
    return { cert: readFileSync(settings.tls.cert, 'utf8'), key: readFileSync(settings.tls.key, 'utf8'), certPath: settings.tls.cert };
  } catch (err) {
    throw new GhostguardError('GG_ERR_TLS', `cannot read TLS certificate or key: ${(err as Error).message}`);
  }
}

/** validity of the self-signed certificate: 825 days, the longest Apple platforms accept for any TLS server certificate */
const VALID_DAYS = 825;

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/** An address in one spelling (::1 and 0:0:0:0:0:0:0:1 alike); a DNS name lower-cased. */
const canonicalName = (n: string): string => (isIP(n) ? ipaddr.parse(n).toString() : n.toLowerCase());

/** The names phones reach the server by: server.host (unless a wildcard), the publicUrl host, and loopback. */
export function certificateNames(settings: Pick<ServerSettings, 'host' | 'publicUrl'>): string[] {
  let urlHost = '';
  try {
    urlHost = new URL(settings.publicUrl).hostname.replace(/^\[|\]$/g, '');
  } catch {
    /* validate reports a bad publicUrl */
  }
  return [...new Set([settings.host, urlHost, '127.0.0.1', 'localhost'].map(canonicalName).filter((n) => !WILDCARDS.has(n)))];
}

/** The names a certificate's subjectAltName carries (IP addresses and DNS names), lower-cased. */
function namesIn(certPem: string): Set<string> {
  const san = new X509Certificate(certPem).subjectAltName ?? '';
  return new Set(
    san
      .split(/,\s*/)
      .map((e) => canonicalName(e.replace(/^(IP Address|DNS):/, '')))
      .filter(Boolean),
  );
}

/** A self-signed certificate naming `names`, made again when the configured names change (a new host or publicUrl). */
async function selfSigned(dataDir: string, names: string[]): Promise<TlsMaterial> {
  const certPath = join(dataDir, 'tls-cert.pem');
  const keyPath = join(dataDir, 'tls-key.pem');
  const current = existsSync(certPath) && existsSync(keyPath) ? namesIn(readFileSync(certPath, 'utf8')) : undefined;
  if (!current || names.some((n) => !current.has(n))) {
    const altNames = names.map((n) => (isIP(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n }));
    const pems = await generate([{ name: 'commonName', value: 'ghostguard provisioning' }], {
      // selfsigned signs with SHA-1 unless told (which TLS clients reject, RFC 9155) and takes its validity as a date
      algorithm: 'sha256',
      notAfterDate: new Date(Date.now() + VALID_DAYS * 86_400_000),
      keySize: 2048,
      extensions: [{ name: 'subjectAltName', altNames }],
    });
    writeFileSync(keyPath, pems.private, { mode: 0o600 });
    writeFileSync(certPath, pems.cert);
  }
  return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8'), certPath };
}
