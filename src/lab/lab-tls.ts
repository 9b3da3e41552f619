/**
 * The certificate emulated phones present on their HTTPS web interface. Real desk phones ship a self-signed (or
 * vendor-CA) certificate that nobody's trust store knows, so one self-signed certificate generated per process, in
 * memory and never written to disk, is as good as theirs for the auditor's purposes.
 */
import { generate } from 'selfsigned';

export interface LabTls {
  cert: string;
  key: string;
}

let pending: Promise<LabTls> | undefined;

export function labTls(): Promise<LabTls> {
  pending ??= generate([{ name: 'commonName', value: 'ghostguard lab phone' }], {
    days: 30,
    keySize: 2048,
  } as Parameters<typeof generate>[1]).then((pems) => ({ cert: pems.cert, key: pems.private }));
  return pending;
}
