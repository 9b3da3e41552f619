/**
 * An inventory keeps one copy of what its devices repeat, even from a config that arrived by structured clone (the
 * reload thread's path), and every value reads as written.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/model/config-parse.js';
import { Inventory } from '../../src/model/inventory.js';
import { VENDORS } from '../../vendors/index.js';

const YAML = `
sites:
  hq: { registrar: 127.0.0.10 }
devices:
  - { mac: "00:15:65:00:00:01", vendor: yealink, model: T46U, site: hq, adminPassword: generate, lines: [{ extension: "101", password: generate }] }
  - { mac: "00:15:65:00:00:02", vendor: yealink, model: T46U, site: hq, adminPassword: generate, lines: [{ extension: "102", password: "env:SIP_102" }] }
  - { mac: "00:15:65:00:00:03", vendor: yealink, model: T46U, site: hq, adminPassword: "Literal-1", lines: [{ extension: "103", password: "env:SIP_102" }] }
`;

describe('shared values of an inventory', () => {
  it('one generate spec and one spec per env:NAME, frozen; literals and per-device values as written', () => {
    const catalogue = Object.fromEntries(VENDORS.map((v) => [v.id, v.models.map((m) => m.id)]));
    const { config, issues } = parseConfig(YAML, 'test.yaml', catalogue);
    expect(issues).toEqual([]);
    const cloned = structuredClone(config!);
    const [a, b, c] = new Inventory(cloned, { masterKey: Buffer.alloc(32, 7), env: { SIP_102: 'Sip-102-pw' } }, 1).devices;
    expect(a!.adminPassword).toBe(b!.adminPassword);
    expect(a!.lines[0]!.password).toBe(a!.adminPassword);
    expect(Object.isFrozen(a!.adminPassword)).toBe(true);
    expect(b!.lines[0]!.password).toBe(c!.lines[0]!.password);
    expect(b!.lines[0]!.password).toEqual({ kind: 'env', name: 'SIP_102' });
    expect(c!.adminPassword).toEqual({ kind: 'literal', value: 'Literal-1' });
    expect([a, b, c].map((d) => [d!.mac, d!.vendor, d!.model, d!.site, d!.lines[0]!.extension])).toEqual([
      ['001565000001', 'yealink', 'T46U', 'hq', '101'],
      ['001565000002', 'yealink', 'T46U', 'hq', '102'],
      ['001565000003', 'yealink', 'T46U', 'hq', '103'],
    ]);
  });
});
