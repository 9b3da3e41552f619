/**
 * The order in which each vendor's phone fetches its files at boot, with its fallbacks. The adapter's
 * bootSequence gives the names and the User-Agent; the flow decides what a 404 or a boot/master file leads to.
 *   Yealink V81+: <mac>.boot, on failure y000000000000.boot; the boot file's include:config lines name the CFGs.
 *                 No boot file (or older firmware): the common CFG, then <mac>.cfg.
 *   Polycom:      <mac>.cfg, on failure 000000000000.cfg; its CONFIG_FILES (first listed wins), then the
 *                 <mac>-phone.cfg override, then the log upload.
 *   Grandstream:  cfg<mac>.xml, else cfg<model>.xml, else cfg.xml: the first file applied ends the chain.
 */
import type { LabVendorId, PhoneIdentity } from './lab-types.js';

export interface BootStep {
  fileName: string;
  method: 'GET' | 'PUT';
  userAgent: string;
}

export interface BootContext {
  identity: PhoneIdentity;
  steps: readonly BootStep[];
  /** GET; undefined unless 2xx (the outcome is recorded either way) */
  fetch(fileName: string, userAgent: string): Promise<string | undefined>;
  /** parse with the vendor reader and apply; false when the file was rejected */
  apply(fileName: string, body: string, perDevice: boolean): boolean;
  /** a boot/master file understood (nothing to apply) */
  accept(fileName: string): void;
  reject(fileName: string, reason: string): void;
  put(fileName: string, body: string, userAgent: string): Promise<void>;
  /** the vendor's parser, for master files */
  read(body: string): Map<string, string>;
}

const MAX_INCLUDES = 16;
export const YEALINK_COMMON_BOOT = 'y000000000000.boot';
const KV_HEADER = '#!version:1.0.0.1';

/** `include:config "x.cfg"` lines of a Yealink boot file that apply to this model; throws on a malformed file. */
export function parseYealinkBoot(body: string, model: string): string[] {
  const lines = body.split(/\r?\n/);
  if (lines[0]?.trim() !== KV_HEADER) throw new Error(`missing "${KV_HEADER}" header`);
  const out: string[] = [];
  const wanted = [model.toUpperCase(), `SIP-${model.toUpperCase()}`];
  lines.slice(1).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const inc = /^(?:\[([^\]]{1,200})\])?include:config\s+"([^"]{1,300})"$/.exec(line);
    if (inc) {
      const models = inc[1]?.split(',').map((m) => m.trim().toUpperCase());
      if (!models || models.some((m) => wanted.includes(m))) out.push(inc[2]!);
      return;
    }
    if (/^[A-Za-z0-9_.]+\s*=/.test(line)) return; // overwrite_mode and friends
    throw new Error(`line ${i + 2}: neither include:config nor key = value`);
  });
  return out;
}

const isMacIn = (name: string, mac: string): boolean => name.toLowerCase().includes(mac);

async function yealink(ctx: BootContext): Promise<void> {
  const ua = ctx.steps[0]?.userAgent;
  if (!ua) return;
  const macBoot = ctx.steps.find((s) => s.fileName.endsWith('.boot'));
  if (macBoot) {
    for (const name of [macBoot.fileName, YEALINK_COMMON_BOOT]) {
      const body = await ctx.fetch(name, ua);
      if (body === undefined) continue;
      let includes: string[];
      try {
        includes = parseYealinkBoot(body, ctx.identity.model);
      } catch (err) {
        ctx.reject(name, (err as Error).message);
        continue;
      }
      ctx.accept(name);
      for (const inc of includes.slice(0, MAX_INCLUDES)) {
        const cfg = await ctx.fetch(inc, ua);
        if (cfg !== undefined) ctx.apply(inc, cfg, isMacIn(inc, ctx.identity.mac));
      }
      return;
    }
  }
  for (const step of ctx.steps) {
    if (step.method !== 'GET' || step.fileName.endsWith('.boot')) continue;
    const cfg = await ctx.fetch(step.fileName, step.userAgent);
    if (cfg !== undefined) ctx.apply(step.fileName, cfg, isMacIn(step.fileName, ctx.identity.mac));
  }
}

const POLYCOM_MASTER = /^(?:[0-9a-f]{12})\.cfg$/i;

async function polycom(ctx: BootContext): Promise<void> {
  const ua = ctx.steps[0]?.userAgent;
  if (!ua) return;
  const { mac } = ctx.identity;
  let configFiles: string[] | undefined;
  for (const step of ctx.steps.filter((s) => s.method === 'GET' && POLYCOM_MASTER.test(s.fileName))) {
    const body = await ctx.fetch(step.fileName, step.userAgent);
    if (body === undefined) continue;
    try {
      const listed = ctx.read(body).get('CONFIG_FILES');
      if (listed === undefined) throw new Error('no CONFIG_FILES in the master configuration');
      configFiles = listed.split(',').map((f) => f.trim().replace(/\[PHONE_MAC_ADDRESS\]/g, mac)).filter(Boolean);
    } catch (err) {
      ctx.reject(step.fileName, (err as Error).message);
      continue;
    }
    ctx.accept(step.fileName);
    break;
  }
  if (configFiles) {
    const fetched: [string, string][] = [];
    for (const name of configFiles.slice(0, MAX_INCLUDES)) {
      const body = await ctx.fetch(name, ua);
      if (body !== undefined) fetched.push([name, body]);
    }
    // a parameter in a file listed earlier wins: apply the last listed first
    for (const [name, body] of fetched.reverse()) ctx.apply(name, body, isMacIn(name, mac));
    const override = ctx.steps.find((s) => s.method === 'GET' && s.fileName.endsWith('-phone.cfg'));
    if (override) {
      const body = await ctx.fetch(override.fileName, override.userAgent);
      if (body !== undefined) ctx.apply(override.fileName, body, false);
    }
  }
  for (const step of ctx.steps.filter((s) => s.method === 'PUT')) {
    const line = `${new Date().toISOString()}|lab  |4|00|boot complete, ${configFiles ? configFiles.length : 0} config file(s) listed\n`;
    await ctx.put(step.fileName, line, step.userAgent);
  }
}

async function grandstream(ctx: BootContext): Promise<void> {
  for (const step of ctx.steps) {
    if (step.method !== 'GET') continue;
    const body = await ctx.fetch(step.fileName, step.userAgent);
    if (body !== undefined && ctx.apply(step.fileName, body, isMacIn(step.fileName, ctx.identity.mac))) return;
  }
}

export const BOOT_FLOWS: Readonly<Record<LabVendorId, (ctx: BootContext) => Promise<void>>> = { yealink, polycom, grandstream };
