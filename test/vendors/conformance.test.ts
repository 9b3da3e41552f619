/** Every vendor adapter passes the same contract checks: identification, boot files, rendering, read-back. */
import { describe, expect, it } from 'vitest';
import { VENDORS } from '../../vendors/index.js';
import { resolvePolicy } from '../../src/model/policy.js';
import { checkRules } from '../../src/model/rule-check.js';
import { RULE_IDS, RULES } from '../../src/model/rules.js';
import type { Mac } from '../../src/model/mac.js';
import { IDENTIFY_LEVELS } from '../../src/model/vendor-contract.js';
import { SECRETS, testDevice } from '../helpers/devices.js';

const FULL_POLICY = resolvePolicy([
  {
    'sip-port-nonstandard': { enabled: true, port: 5072 },
    'sip-tls-srtp': { enabled: true },
  },
]);

const SAMPLE_MACS: Record<string, string> = {
  yealink: '00:15:65:12:34:56',
  polycom: '00:04:f2:12:34:56',
  grandstream: '00:0b:82:12:34:56',
};

describe.each(VENDORS.map((v) => [v.id, v] as const))('vendor %s', (_id, vendor) => {
  const mac = SAMPLE_MACS[vendor.id]!;

  it('describes itself', () => {
    expect(vendor.displayName).toBeTruthy();
    expect(vendor.models.length).toBeGreaterThanOrEqual(2);
    expect(vendor.ouis.every((o) => /^[0-9a-f]{6}$/.test(o))).toBe(true);
    for (const m of vendor.models) expect(m.firmwares.length).toBeGreaterThanOrEqual(1);
  });

  for (const model of vendor.models) {
    for (const firmware of model.firmwares) {
      describe(`${model.id} firmware ${firmware}`, () => {
        const device = testDevice(vendor.id, model.id, mac, Math.min(2, model.accounts));
        const boot = vendor.bootSequence(device.mac, model.id, firmware);

        it('identifies each boot request as its own, with model and firmware', () => {
          expect(boot.length).toBeGreaterThan(0);
          for (const step of boot) {
            const id = vendor.identifyRequest({ fileName: step.fileName, method: step.method, userAgent: step.userAgent });
            expect(id.level, step.fileName).toBeGreaterThanOrEqual(IDENTIFY_LEVELS.model);
            expect(id.model).toBe(model.id);
            expect(id.firmware).toBe(firmware);
            if (id.file.mac) expect(id.file.mac).toBe(device.mac);
            for (const other of VENDORS.filter((v) => v !== vendor)) {
              const theirs = other.identifyRequest({ fileName: step.fileName, method: step.method, userAgent: step.userAgent });
              expect(theirs.level, `${other.id} on ${step.fileName}`).toBeLessThan(id.level);
            }
          }
        });

        it('renders deterministic files that read back and satisfy every applied rule', () => {
          for (const step of boot.filter((s) => s.method === 'GET')) {
            const { file } = vendor.identifyRequest({ fileName: step.fileName, method: 'GET', userAgent: step.userAgent });
            const input = { model: model.id, firmware, policy: FULL_POLICY, file, device: file.secret ? device : undefined };
            const first = vendor.render(input);
            expect(vendor.render(input).body).toBe(first.body);
            if (file.kind === 'boot') continue;
            const observed = vendor.read(first.body);
            const compiled = vendor.compile(input);
            for (const check of checkRules(compiled, observed)) {
              expect(['pass', 'unsupported', 'disabled'], `${check.rule}: ${check.evidence.join('; ')}`).toContain(check.state);
            }
            if (!file.secret) for (const secret of Object.values(SECRETS)) expect(first.body).not.toContain(secret);
          }
        });

        it('puts every enabled rule in applied or unsupported for the device file', () => {
          const deviceStep = boot.find((s) => vendor.identifyRequest({ ...s }).file.kind === 'device');
          expect(deviceStep).toBeDefined();
          const { file } = vendor.identifyRequest({ ...deviceStep! });
          const rendered = vendor.render({ model: model.id, firmware, policy: FULL_POLICY, file, device });
          const covered = new Set([...rendered.applied, ...rendered.unsupported.map((u) => u.rule)]);
          // every rule the server compiles into config (the catalogue's kind: 'config'; firmware-current is audit-only)
          const configRules = RULE_IDS.filter((id) => RULES[id].kind === 'config');
          expect(configRules.length).toBeGreaterThan(10);
          for (const rule of configRules) {
            expect(covered.has(rule), rule).toBe(true);
          }
          expect(rendered.body).toContain(SECRETS.sip1);
        });

        it('renders a device file only for the device its name carries (the same check in every adapter)', () => {
          const deviceStep = boot.find((s) => vendor.identifyRequest({ ...s }).file.kind === 'device')!;
          const { file } = vendor.identifyRequest({ ...deviceStep });
          const other = testDevice(vendor.id, model.id, `${mac.slice(0, 15)}99`, 1);
          const input = { model: model.id, firmware, policy: FULL_POLICY, file };
          expect(() => vendor.render({ ...input, device: other })).toThrow(/does not belong/);
          expect(() => vendor.render(input)).toThrow(/needs a device/);
        });
      });
    }
  }

  it('rejects malformed files', () => {
    for (const bad of ['', 'garbage', '<unclosed', '\u0000\u0001\u0002']) expect(() => vendor.read(bad)).toThrow();
  });

  it('treats a model of a known line outside its catalogue like the others do: compiles with the family, every rule accounted for', () => {
    const firmware = vendor.models[0]!.firmwares[0]!;
    const compiled = vendor.compile({ model: `${vendor.models[0]!.id}X`, firmware, policy: FULL_POLICY });
    expect(compiled.family.id).toBeTruthy();
    expect(compiled.rules.size).toBeGreaterThan(0);
    for (const [rule, c] of compiled.rules) expect(['applied', 'unsupported', 'disabled'], rule).toContain(c.status);
  });

  it('keeps its OUIs in one place: a MAC under one of them is weakly its own, whatever else the observation lacks', () => {
    for (const oui of vendor.ouis) {
      expect(vendor.identifyObservation({ mac: `${oui}123456` as Mac }).level, oui).toBeGreaterThanOrEqual(IDENTIFY_LEVELS.weak);
    }
  });

  it('does not claim requests that are not its own', () => {
    for (const fileName of ['index.html', '../etc/passwd', 'cfg', 'foo.cfg']) {
      expect(vendor.identifyRequest({ fileName, method: 'GET', userAgent: 'curl/8.0' }).level).toBeLessThanOrEqual(IDENTIFY_LEVELS.weak);
    }
  });
});
