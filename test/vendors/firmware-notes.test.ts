/** Every parameter name the project can emit is documented in firmware-notes/ with a source. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VENDORS } from '../../vendors/index.js';
import { resolvePolicy } from '../../src/model/policy.js';
import type { PolicyLayer } from '../../src/model/config-types.js';
import { testDevice } from '../helpers/devices.js';

const NOTES_DIR = join(import.meta.dirname, '../../firmware-notes');

/** account.3.sip_server.1.address → account.N.sip_server.N.address */
function normalizeKey(key: string): string {
  return key
    .split('.')
    .map((seg) => (/^\d+$/.test(seg) ? 'N' : seg))
    .join('.');
}

function documentedParameters(): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of readdirSync(NOTES_DIR).filter((f) => f.endsWith('.md'))) {
    for (const line of readFileSync(join(NOTES_DIR, file), 'utf8').split('\n')) {
      if (!line.startsWith('|')) continue;
      const cells = line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim());
      const name = /^`([^`]+)`$/.exec(cells[0] ?? '')?.[1];
      const source = cells[cells.length - 1] ?? '';
      if (name && source.length > 5) out.set(normalizeKey(name), `${file}: ${source}`);
    }
  }
  return out;
}

const POLICIES: PolicyLayer[] = [
  { 'sip-port-nonstandard': { enabled: true, port: 5072 }, 'sip-tls-srtp': { enabled: true }, 'invite-validation': { method: 'both' } },
  { 'invite-validation': { method: 'digest' }, 'snmp-locked': { mode: 'restricted', managers: ['127.0.0.9'], community: 'x-Comm' } },
  {},
];

describe('firmware notes', () => {
  const documented = documentedParameters();

  it.each(VENDORS.map((v) => [v.id, v] as const))('document every parameter %s can emit', (_id, vendor) => {
    const missing = new Set<string>();
    let emitted = 0;
    for (const model of vendor.models) {
      for (const firmware of model.firmwares) {
        for (const layer of POLICIES) {
          const device = testDevice(vendor.id, model.id, '00:0b:82:00:00:01', Math.min(2, model.accounts));
          for (const step of vendor.bootSequence(device.mac, model.id, firmware)) {
            const { file } = vendor.identifyRequest(step);
            if (file.upload || file.kind === 'boot') continue;
            const rendered = vendor.render({
              model: model.id,
              firmware,
              policy: resolvePolicy([layer]),
              file,
              device: file.secret ? device : undefined,
            });
            for (const key of vendor.read(rendered.body).keys()) {
              emitted++;
              if (!documented.has(normalizeKey(key))) missing.add(normalizeKey(key));
            }
          }
        }
      }
    }
    expect(emitted).toBeGreaterThan(10);
    expect([...missing]).toEqual([]);
  });
});

/**
 * #14: Grandstream's "Accept incoming SIP from proxy only" (P2347 / account.N.sip.validate.incomingServer) compares the
 * Request-URI host with the configured SIP server (GXP21xx admin guide); the notes and the README's rule matrix must say
 * so, and must not sell it as a source-address filter.
 */
describe('what P2347 does, as documented', () => {
  const README = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
  const notes = readFileSync(join(NOTES_DIR, 'grandstream.md'), 'utf8');
  const rowOf = (text: string, start: string) => text.split('\n').find((l) => l.startsWith(start)) ?? '';

  it('firmware-notes: the Request-URI host against the configured server, not the source address', () => {
    const row = rowOf(notes, '| `P2347` |');
    expect(row).toMatch(/Request-URI host/);
    expect(row).toMatch(/not a source-address filter/);
    expect(row).toMatch(/edge/);
    expect(row).toMatch(/P2346/);
  });

  it('README rule matrix says the same and names what closes the rest', () => {
    const row = rowOf(README, '| sip-trusted-only | `sip.trust_ctrl=1`');
    expect(row).toMatch(/Request-URI host/);
    expect(row).toMatch(/not a source-address filter/);
    expect(row).toMatch(/ghostguard edge/);
    expect(README).not.toMatch(/P2347[^|\n]*accepts? SIP only from/);
  });
});
