/** TLS material for the phone listener: the admin's certificate, or a self-signed one kept in the data directory. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
  if (settings.tls === 'auto') return selfSigned(settings.dataDir);
  try {
    return { cert: readFileSync(settings.tls.cert, 'utf8'), key: readFileSync(settings.tls.key, 'utf8'), certPath: settings.tls.cert };
  } catch (err) {
    throw new GhostguardError('GG_ERR_TLS', `cannot read TLS certificate or key: ${(err as Error).message}`);
  }
}

async function selfSigned(dataDir: string): Promise<TlsMaterial> {
  const certPath = join(dataDir, 'tls-cert.pem');
  const keyPath = join(dataDir, 'tls-key.pem');
  if (!existsSync(certPath) || !existsSync(keyPath)) {
    const pems = await generate([{ name: 'commonName', value: 'ghostguard provisioning' }], {
      days: 825,
      keySize: 2048,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] }],
    } as Parameters<typeof generate>[1]);
    writeFileSync(keyPath, pems.private, { mode: 0o600 });
    writeFileSync(certPath, pems.cert);
  }
  return { cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8'), certPath };
}
