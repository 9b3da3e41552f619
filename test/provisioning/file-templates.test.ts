/**
 * Compiled device-file templates against the full renderer. A seeded generator draws devices and policies over every
 * vendor, catalogue model and firmware family, with ordinary and hostile values (XML metacharacters, line breaks,
 * quotes, edge spaces, control and private-use characters, non-Latin letters, empty strings); each device file is
 * rendered by a server whose templates are in use and by one whose vendors render every file in full, and the bytes,
 * the report and any error must be the same. The goldens are then rendered through a template built from another
 * device and must come out unchanged.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PolicyLayer, ResolvedDevice, ResolvedLine, Site } from '../../src/model/config-types.js';
import type { Mac } from '../../src/model/mac.js';
import { resolvePolicy } from '../../src/model/policy.js';
import { RULE_IDS } from '../../src/model/rules.js';
import type { FileRef, VendorAdapter } from '../../src/model/vendor-contract.js';
import { FileTemplates } from '../../src/provisioning/file-templates.js';
import { RenderService, type RenderRequest } from '../../src/provisioning/render-service.js';
import type { ServedFile } from '../../src/provisioning/served-file.js';
import { VENDORS } from '../../vendors/index.js';
import { testDevice } from '../helpers/devices.js';
import { seeded } from '../helpers/seeded.js';

const HOSTILE = [
  '',
  'a&b',
  'x<y',
  'q"uote',
  "o'neil",
  'line\nbreak',
  'cr\rreturn',
  ' lead',
  'trail ',
  'tab\there',
  'nul\u0000byte',
  'del\u007f',
  '\uE000private\uE001',
  ']]>',
  '<!--',
  'x" admin_password="0',
  '1001\naccount.1.sip_trust_ctrl = 0',
  '</P271><P271>0',
  '&amp;',
  'Ünïcödé Ωμέγα',
  '電話 受付',
  '🙂 emoji',
  'e\u0301 combining',
  'x'.repeat(300),
];

function dataset(rand: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');
  const word = (alphabet: string, min: number, max: number) =>
    Array.from({ length: min + Math.floor(rand() * (max - min + 1)) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
  const ordinary = {
    user: () =>
      pick([digits(3 + Math.floor(rand() * 4)), `${digits(4)}@pbx.example.org`, word('abcdefghij._-', 1, 12), '+4930' + digits(6)]),
    display: () =>
      pick([digits(4), 'Reception', 'Back office', 'Dr. Müller (Lab 2)', 'Zoë-Anne', '受付', word('abcdef ', 1, 20).trim() || 'x']),
    secret: () => word('ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#$%()*+,./:;=?@[]^_`{|}~-', 8, 24),
  };
  // mostly ordinary, one value in twelve hostile (a device has 8-14 values: about half the devices carry one)
  const value = (kind: keyof typeof ordinary) => (rand() < 1 / 12 ? pick(HOSTILE) : ordinary[kind]());
  return { pick, value, digits };
}

function randomPolicy(rand: () => number, pick: <T>(xs: readonly T[]) => T): PolicyLayer {
  const layer: PolicyLayer = {};
  for (const id of RULE_IDS) if (rand() < 0.3) layer[id] = { enabled: rand() < 0.6 };
  if (rand() < 0.4) layer['sip-port-nonstandard'] = { enabled: true, port: pick([5062, 5072, 15060]) };
  if (rand() < 0.3) layer['invite-validation'] = { enabled: true, method: pick(['source', 'digest', 'both'] as const) };
  if (rand() < 0.2) layer['snmp-locked'] = { enabled: true, mode: 'restricted', managers: ['127.0.0.9'], community: 'gg-Comm1' };
  return layer;
}

const withoutTemplates = (vendor: VendorAdapter): VendorAdapter => ({ ...vendor, templatedDeviceFiles: false });

type Outcome = { ok: true; body: string; rendered: ServedFile['rendered'] } | { ok: false; error: string };
function outcome(renderer: RenderService, req: RenderRequest): Outcome {
  try {
    const served = renderer.render(req);
    return { ok: true, body: served.body.toString('utf8'), rendered: served.rendered };
  } catch (e) {
    return { ok: false, error: `${(e as { code?: string }).code}: ${(e as Error).message}` };
  }
}

function deviceFileOf(vendor: VendorAdapter, mac: Mac, model: string, firmware: string, upper: boolean): FileRef {
  const step = vendor.bootSequence(mac, model, firmware).find((s) => vendor.identifyRequest(s).file.kind === 'device')!;
  const fileName = upper ? step.fileName.replace(mac, mac.toUpperCase()) : step.fileName;
  return vendor.identifyRequest({ ...step, fileName }).file;
}

/** The files a phone fetches without credentials whose names carry its MAC (the MAC spelled in capitals when `upper`). */
function macNamedSharedFiles(vendor: VendorAdapter, mac: Mac, model: string, firmware: string, upper: boolean): FileRef[] {
  return vendor
    .bootSequence(mac, model, firmware)
    .filter((s) => s.method === 'GET')
    .map((s) => vendor.identifyRequest(upper ? { ...s, fileName: s.fileName.replace(mac, mac.toUpperCase()) } : s).file)
    .filter((f) => !f.secret && f.mac !== undefined && f.kind !== 'override');
}

describe('compiled device-file templates', () => {
  it('render the same bytes, report and errors as the full renderer for random devices and policies, hostile values included', () => {
    const rand = seeded(0x16);
    const { pick, value, digits } = dataset(rand);
    // no cache: every request compiles; one template store across all devices, so templates built from one device
    // are filled for others
    const templated = new RenderService(0);
    const full = new RenderService(0);
    const scenarios = VENDORS.flatMap((vendor) =>
      vendor.models.flatMap((model) => [...new Set(model.firmwares)].map((firmware) => ({ vendor, model, firmware }))),
    );
    let compared = 0;
    let served = 0;
    let macNamedCompared = 0;
    let macNamedFilled = 0;
    for (const { vendor, model, firmware } of scenarios) {
      const site: Site = {
        name: 'hq',
        registrar: pick(['127.0.0.2', 'pbx.example.org']),
        ...(rand() < 0.5 ? { registrarPort: 5080 } : {}),
        ...(rand() < 0.5 ? { outboundProxy: pick(['127.0.0.3', '127.0.0.3:5070']) } : {}),
        trustedServers: ['127.0.0.4'],
        transport: pick(['udp', 'tcp', 'tls'] as const),
        policy: {},
      };
      const policy = resolvePolicy([randomPolicy(rand, pick)]);
      const params = rand() < 0.15 ? { [pick(['custom.param', 'P8', 'features.key'])]: pick(['1', '0', 'x&y']) } : undefined;
      // several devices per shape, so most renders fill a template another device built
      for (let d = 0; d < 6; d++) {
        const mac = `${vendor.ouis[0]}${digits(6)}` as Mac;
        const lineCount = 1 + Math.floor(rand() * Math.min(3, Math.max(1, model.accounts)));
        const lines: ResolvedLine[] = Array.from({ length: lineCount }, (_, i) => {
          const extension = value('user');
          return {
            index: i + 1,
            extension,
            authUser: rand() < 0.5 ? extension : value('user'),
            password: value('secret'),
            displayName: rand() < 0.3 ? extension : value('display'),
          };
        });
        const device: ResolvedDevice = {
          mac,
          vendor: vendor.id,
          model: model.id,
          site,
          lines,
          adminPassword: value('secret'),
          userPassword: value('secret'),
          provisioning: { username: rand() < 0.8 ? `gg${mac}` : value('user'), password: value('secret'), url: 'https://127.0.0.1:8443/' },
        };
        const file = deviceFileOf(vendor, mac, model.id, firmware, rand() < 0.2);
        const req = { file, model: model.id, firmware, policy, device, version: String(compared), ...(params ? { params } : {}) };
        const a = outcome(templated, { ...req, vendor });
        const b = outcome(full, { ...req, vendor: withoutTemplates(vendor) });
        expect(a, `${vendor.id} ${model.id} ${firmware} ${JSON.stringify(device)}`).toEqual(b);
        compared++;
        if (a.ok) served++;
        // the files without secrets that name this MAC (<mac>.boot), rendered as the server renders a shared file
        const stockFiles = vendor.stockFiles && rand() < 0.3 ? { stockFiles: vendor.stockFiles.slice(0, 2) } : {};
        for (const boot of macNamedSharedFiles(vendor, mac, model.id, firmware, rand() < 0.2)) {
          const shared = {
            file: boot,
            model: model.id,
            firmware,
            policy,
            version: String(compared),
            ...(params ? { params } : {}),
            ...stockFiles,
          };
          const filledBefore = templated.templateCounts.filled;
          const c = outcome(templated, { ...shared, vendor });
          macNamedFilled += templated.templateCounts.filled - filledBefore;
          expect(c, `${vendor.id} ${model.id} ${firmware} ${boot.name}`).toEqual(
            outcome(full, { ...shared, vendor: withoutTemplates(vendor) }),
          );
          macNamedCompared++;
        }
      }
    }
    expect(macNamedCompared).toBeGreaterThan(500);
    expect(macNamedFilled).toBeGreaterThan(macNamedCompared / 2);
    const counts = templated.templateCounts;
    // not vacuous: most files came from templates, hostile values took the full path, and both served files
    expect(compared).toBeGreaterThan(1000);
    expect(served).toBeGreaterThan(compared / 3);
    expect(counts.filled).toBeGreaterThan(compared / 4);
    expect(counts.fallbacks).toBeGreaterThan(compared / 4);
    expect(full.templateCounts.filled).toBe(0);
  });

  it('fill the golden device files byte for byte from a template another device built', () => {
    const POLICY = resolvePolicy([{ 'sip-port-nonstandard': { enabled: true, port: 5072 }, 'sip-tls-srtp': { enabled: true } }]);
    const MACS: Record<string, string> = { yealink: '00:15:65:12:34:56', polycom: '00:04:f2:12:34:56', grandstream: '00:0b:82:12:34:56' };
    const OTHER: Record<string, string> = { yealink: '00:15:65:ab:cd:ef', polycom: '00:04:f2:ab:cd:ef', grandstream: '00:0b:82:ab:cd:ef' };
    const renderer = new RenderService(0);
    let checked = 0;
    for (const vendor of VENDORS) {
      for (const model of vendor.models) {
        const device = testDevice(vendor.id, model.id, MACS[vendor.id]!, Math.min(2, model.accounts));
        // the same shape, other values: what it leaves behind is the template the golden device is filled from
        const other = testDevice(vendor.id, model.id, OTHER[vendor.id]!, Math.min(2, model.accounts));
        other.lines = other.lines.map((l, i) => ({
          ...l,
          extension: `20${i}9`,
          authUser: `20${i}9`,
          password: `Oth3r-${i}-pw`,
          displayName: `Desk ${i}`,
        }));
        other.adminPassword = 'Oth3r-admin';
        other.userPassword = 'Oth3r-user';
        other.provisioning = { ...other.provisioning, username: `gg-${other.mac}`, password: 'Oth3r-prov' };
        const seen = new Set<string>();
        for (const firmware of model.firmwares) {
          const family = vendor.compile({ model: model.id, firmware, policy: POLICY }).family.id;
          if (seen.has(family)) continue;
          seen.add(family);
          const render = (d: ResolvedDevice) =>
            renderer.render({
              vendor,
              file: deviceFileOf(vendor, d.mac, model.id, firmware, false),
              model: model.id,
              firmware,
              policy: POLICY,
              device: d,
              version: d.mac,
            });
          render(other);
          const before = renderer.templateCounts.filled;
          const built = renderer.templateCounts.built;
          const body = render(device).body.toString('utf8');
          expect(renderer.templateCounts.filled, `${model.id} ${family}: filled from a template`).toBe(before + 1);
          expect(renderer.templateCounts.built, `${model.id} ${family}: the other device's template`).toBe(built);
          const name = deviceFileOf(vendor, device.mac, model.id, firmware, false).name;
          expect(body).toBe(
            readFileSync(join(import.meta.dirname, '../golden/catalogue', vendor.id, `${model.id}-${family}-${name}`), 'utf8'),
          );
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('hold at most their count and byte bounds, and fill correctly again after dropping the oldest', () => {
    const templates = new FileTemplates((meta) => meta, 3, 40_000);
    const full = new RenderService(0);
    const vendor = VENDORS[0]!;
    const policy = resolvePolicy([]);
    for (let i = 0; i < 40; i++) {
      const model = vendor.models[i % 8]!;
      const firmware = model.firmwares[0]!;
      const device = testDevice(vendor.id, model.id, `00:15:65:00:00:${(i + 16).toString(16)}`, 1);
      const file = deviceFileOf(vendor, device.mac, model.id, firmware, false);
      const input = { model: model.id, firmware, policy, file, device };
      const filled = templates.render(vendor, input, (shaped) => vendor.render(shaped));
      const want = full.render({ vendor: withoutTemplates(vendor), file, model: model.id, firmware, policy, device, version: String(i) });
      expect(filled?.body.toString('utf8')).toBe(want.body.toString('utf8'));
      expect(templates.size).toBeLessThanOrEqual(3);
      expect(templates.memory).toBeLessThanOrEqual(40_000);
    }
    expect(templates.counts.built).toBeGreaterThan(8); // dropped shapes were built again
  });

  it('refuse a template whose renderer changed a stand-in: escaped as a character reference, case-folded, or cut', () => {
    const vendor = VENDORS[0]!;
    const model = vendor.models[0]!;
    const firmware = model.firmwares[0]!;
    const device = testDevice(vendor.id, model.id, '00:15:65:00:00:99', 1);
    const input = {
      model: model.id,
      firmware,
      policy: resolvePolicy([]),
      file: deviceFileOf(vendor, device.mac, model.id, firmware, false),
      device,
    };
    const changes: ((body: string) => string)[] = [
      (body) => body.replace(/[\uE000\uE001]/g, (c) => `&#${c.charCodeAt(0)};`),
      (body) => body.toUpperCase(),
      (body) => body.replace(/\uE001/, ''),
    ];
    for (const change of changes) {
      const templates = new FileTemplates((meta) => meta);
      const filled = templates.render(vendor, input, (shaped) => {
        const rendered = vendor.render(shaped);
        return { ...rendered, body: change(rendered.body) };
      });
      expect(filled).toBeUndefined();
      expect(templates.counts).toMatchObject({ built: 0, refused: 1, fallbacks: 1 });
    }
  });
});
