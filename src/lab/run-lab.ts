/** `ghostguard lab`: start a fleet, print what runs where, stop after the duration or on abort (Ctrl-C). */
import { LabFleet, type FleetOptions } from './fleet.js';
import type { PhoneManifest } from './phone-manifest.js';

export const MAX_LAB_DURATION_MS = 24 * 3600_000;

export interface RunLabOptions extends FleetOptions {
  /** stop after this long (bounded by MAX_LAB_DURATION_MS) */
  durationMs?: number;
  signal?: AbortSignal;
  /** print the manifest as JSON instead of a table */
  json?: boolean;
}

export async function runLab(options: RunLabOptions, log: (line: string) => void): Promise<PhoneManifest[]> {
  if (options.signal?.aborted) return [];
  const fleet = await LabFleet.start(options);
  const manifest = fleet.manifest();
  try {
    log(`lab: ${manifest.length} phone(s) started in ${fleet.startedInMs} ms${options.server ? `, booted against ${options.server}` : ''}`);
    if (options.json) log(JSON.stringify(manifest, null, 2));
    else for (const line of formatManifest(manifest)) log(line);
    const duration = Math.min(Math.max(options.durationMs ?? MAX_LAB_DURATION_MS, 0), MAX_LAB_DURATION_MS);
    log(
      options.durationMs !== undefined ? `lab: running for ${Math.round(duration / 1000)} s (Ctrl-C stops)` : 'lab: running (Ctrl-C stops)',
    );
    await waitFor(duration, options.signal);
  } finally {
    await fleet.stop();
    log('lab: stopped, all sockets closed');
  }
  return manifest;
}

function waitFor(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export function formatManifest(manifest: readonly PhoneManifest[]): string[] {
  const rows = manifest.map((p) => [
    p.ip,
    p.mac,
    p.vendor,
    p.model,
    p.firmware,
    p.factory ? 'factory' : p.provisioned ? 'provisioned' : 'unprovisioned',
    p.sipPorts.length ? p.sipPorts.join(',') : '-',
    [p.httpPort !== undefined ? `http/${p.httpPort}` : '', p.httpsPort !== undefined ? `https/${p.httpsPort}` : '']
      .filter(Boolean)
      .join(',') || '-',
    p.snmpPort !== undefined ? String(p.snmpPort) : '-',
    [
      p.sipClass ? `class:${p.sipClass}` : '',
      p.expect.trustedOnly ? 'trusted-only' : '',
      p.expect.requestValidation ? `validation:${p.expect.requestValidation}` : '',
      p.expect.ringsForStrangers ? 'rings-for-strangers' : '',
      p.expect.webHttps ? 'web-https-only' : '',
      p.expect.defaultAdminPassword ? 'factory-password' : '',
      p.errors.length ? `${p.errors.length} error(s)` : '',
    ]
      .filter(Boolean)
      .join(' '),
  ]);
  const head = ['IP', 'MAC', 'VENDOR', 'MODEL', 'FIRMWARE', 'STATE', 'SIP/UDP', 'WEB', 'SNMP', 'NOTES'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)];
}
