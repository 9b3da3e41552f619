/**
 * A ghostguard configuration for a lab fleet: one site whose registrar is 127.0.0.10, one line per provisionable
 * (non-factory) phone, generated secrets. Start a ghostguard server with it, then boot the fleet against it.
 */
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { macWithColons } from '../model/mac.js';
import type { PhoneManifest } from './phone-manifest.js';

/** a manifest entry, or a planned phone (planFleet) before the fleet starts */
export type InventoryPhone = Pick<PhoneManifest, 'mac' | 'vendor' | 'model' | 'factory'>;

export const LAB_REGISTRAR = '127.0.0.10';

export interface InventoryYamlOptions {
  /** server section (host, port, publicUrl, dataDir, tls, …) merged over lab defaults */
  server?: Record<string, unknown>;
  site?: string;
  registrar?: string;
  outboundProxy?: string;
  /** fleet policy layer (`{ rules: { … } }`) */
  policy?: Record<string, unknown>;
  /** first extension number */
  extensionBase?: number;
}

export function inventoryYaml(phones: readonly InventoryPhone[], options: InventoryYamlOptions = {}): string {
  const site = options.site ?? 'lab';
  const base = options.extensionBase ?? 1000;
  const server = {
    host: '127.0.0.1',
    port: 8080,
    publicUrl: 'http://127.0.0.1:8080/',
    dataDir: '.ghostguard-lab',
    allowPlainHttp: true,
    enrolmentWindowHours: 1,
    ...options.server,
  };
  const devices = phones
    .filter((p) => !p.factory)
    .map((p, i) => ({
      mac: macWithColons(p.mac),
      vendor: p.vendor,
      model: p.model,
      site,
      adminPassword: 'generate',
      lines: [{ extension: String(base + i), password: 'generate' }],
    }));
  const doc = {
    version: 1,
    server,
    ...(options.policy ? { policy: options.policy } : {}),
    sites: {
      [site]: {
        registrar: options.registrar ?? LAB_REGISTRAR,
        ...(options.outboundProxy ? { outboundProxy: options.outboundProxy } : {}),
        transport: 'udp',
      },
    },
    devices,
  };
  return `# ghostguard lab inventory: ${devices.length} phone(s), generated\n${stringify(doc)}`;
}

export function writeInventoryYaml(path: string, phones: readonly InventoryPhone[], options: InventoryYamlOptions = {}): void {
  writeFileSync(path, inventoryYaml(phones, options));
}
