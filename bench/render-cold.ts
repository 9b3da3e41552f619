/**
 * Cold device-file cost: every catalogue model's device file for fresh devices (1 line, default policy), rendered with
 * no render cache, through compiled templates and through the full render path (render, read back, check), one path at
 * a time, twice each, alternating. Prints µs per file per vendor and overall.
 * Usage: node bin/run-ts.mjs bench/render-cold.ts [--files 20000]
 */
import { parseArgs } from 'node:util';
import type { ResolvedDevice } from '../src/model/config-types.js';
import type { Mac } from '../src/model/mac.js';
import { resolvePolicy } from '../src/model/policy.js';
import type { VendorAdapter } from '../src/model/vendor-contract.js';
import { RenderService, type RenderRequest } from '../src/provisioning/render-service.js';
import { VENDORS } from '../vendors/index.js';

const { values: args } = parseArgs({ options: { files: { type: 'string', default: '20000' } } });
const FILES = Number(args.files);
const policy = resolvePolicy([]);
const site = {
  name: 'hq',
  registrar: '127.0.0.10',
  outboundProxy: '127.0.0.11',
  trustedServers: [],
  transport: 'udp' as const,
  policy: {},
};

function device(vendor: VendorAdapter, model: string, i: number): ResolvedDevice {
  const mac = `${vendor.ouis[0]}${(i + 1).toString(16).padStart(6, '0')}` as Mac;
  const ext = String(10000 + i);
  return {
    mac,
    vendor: vendor.id,
    model,
    site,
    lines: [{ index: 1, extension: ext, authUser: ext, password: `Sip-${i}-pw`, displayName: ext }],
    adminPassword: `Adm-${i}-pw`,
    userPassword: `Usr-${i}-pw`,
    provisioning: { username: `gg${mac}`, password: `Prov-${i}-pw`, url: 'https://127.0.0.1:8443/' },
  };
}

const jobs = VENDORS.flatMap((vendor) =>
  vendor.models.map((m) => {
    const firmware = m.firmwares[m.firmwares.length - 1]!;
    return { vendor, model: m.id, firmware };
  }),
);
function request(vendor: VendorAdapter, i: number): RenderRequest {
  const { model, firmware } = jobs[i % jobs.length]!;
  const d = device(vendor, model, i);
  const step = vendor.bootSequence(d.mac, model, firmware).find((s) => vendor.identifyRequest(s).file.kind === 'device')!;
  return { vendor, file: vendor.identifyRequest(step).file, model, firmware, policy, device: d, version: String(i) };
}

const full = (v: VendorAdapter): VendorAdapter => ({ ...v, templatedDeviceFiles: false });
const paths = { template: new RenderService(0), full: new RenderService(0) };
const spent = { template: new Map<string, number>(), full: new Map<string, number>() };
const count = new Map<string, number>();
// one path at a time over the same devices, so the full path's garbage is collected in its own timing; twice each,
// alternating, so both see the same machine load
const reqs = Array.from({ length: FILES }, (_, i) => request(jobs[i % jobs.length]!.vendor, i));
for (const path of ['template', 'full', 'template', 'full'] as const) {
  for (const req of reqs) {
    const r = path === 'full' ? { ...req, vendor: full(req.vendor), version: `${req.version}f` } : { ...req, version: `${req.version}t` };
    const t0 = process.hrtime.bigint();
    paths[path].render(r);
    const us = Number(process.hrtime.bigint() - t0) / 1000;
    spent[path].set(req.vendor.id, (spent[path].get(req.vendor.id) ?? 0) + us);
    if (path === 'template') count.set(req.vendor.id, (count.get(req.vendor.id) ?? 0) + 1);
  }
}
console.log(
  `cold device files: ${FILES} devices × 2 passes per path over ${jobs.length} models, no render cache; µs per file (measured under load)`,
);
console.log(`${'vendor'.padEnd(12)}${'files'.padStart(8)}${'template'.padStart(10)}${'full'.padStart(10)}`);
let all = { n: 0, t: 0, f: 0 };
for (const [id, n] of count) {
  const t = spent.template.get(id)!;
  const f = spent.full.get(id)!;
  all = { n: all.n + n, t: all.t + t, f: all.f + f };
  console.log(`${id.padEnd(12)}${String(n).padStart(8)}${(t / n).toFixed(1).padStart(10)}${(f / n).toFixed(1).padStart(10)}`);
}
console.log(
  `${'all'.padEnd(12)}${String(all.n).padStart(8)}${(all.t / all.n).toFixed(1).padStart(10)}${(all.f / all.n).toFixed(1).padStart(10)}`,
);
console.log('templates:', JSON.stringify(paths.template.templateCounts));
