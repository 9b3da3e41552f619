/** Starts a real provisioning Runtime on a temporary config and data directory. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VENDORS } from '../../vendors/index.js';
import { Runtime } from '../../src/app/runtime.js';
import type { AbuseLimits } from '../../src/provisioning/abuse-guard.js';

export interface TestDeviceSpec {
  mac: string;
  vendor: string;
  model: string;
  lines?: number;
  disabled?: boolean;
  /** false: audit only, never served */
  provision?: false;
}

export function fleetYaml(devices: TestDeviceSpec[], extra = ''): string {
  const rows = devices.map((d) =>
    [
      `  - mac: "${d.mac}"`,
      `    vendor: ${d.vendor}`,
      `    model: ${d.model}`,
      '    site: hq',
      '    adminPassword: generate',
      ...(d.disabled ? ['    disabled: true'] : []),
      ...(d.provision === false ? ['    provision: false'] : []),
      '    lines:',
      ...Array.from({ length: d.lines ?? 1 }, (_, i) => `      - { extension: "${100 + i}", password: generate }`),
    ].join('\n'),
  );
  return (
    [
      'server:',
      '  publicUrl: https://127.0.0.1:8443/',
      '  tls: auto',
      'sites:',
      '  hq:',
      '    registrar: 127.0.0.10',
      '    outboundProxy: 127.0.0.11',
      'canaries: ["00:15:65:de:ad:01"]',
      extra,
      'devices:',
      ...rows,
    ].join('\n') + '\n'
  );
}

export function writeTempConfig(yaml: string): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gg-test-'));
  const path = join(dir, 'ghostguard.yaml');
  writeFileSync(path, yaml);
  return { dir, path };
}

export async function startRuntime(
  yaml: string,
  limits?: AbuseLimits,
  clock?: () => number,
): Promise<{ runtime: Runtime; dir: string; path: string }> {
  const { dir, path } = writeTempConfig(yaml);
  const runtime = await Runtime.create({ configPath: path, vendors: VENDORS, dataDir: join(dir, 'data'), env: {}, limits, clock });
  return { runtime, dir, path };
}
