/**
 * The Yealink boot flow as the lab emulates it. V81+: <mac>.boot, on failure y000000000000.boot; the boot file's
 * include:config lines name the CFGs. No boot file (or older firmware): the common CFG, then <mac>.cfg.
 */
import type { BootContext } from '../../../src/model/vendor-lab.js';
import { isMacIn, MAX_INCLUDES } from '../../_shared/lab-boot.js';
import { GhostguardError } from '../../../src/model/errors.js';

export const YEALINK_COMMON_BOOT = 'y000000000000.boot';
const KV_HEADER = '#!version:1.0.0.1';

/** `include:config "x.cfg"` lines of a Yealink boot file that apply to this model; throws on a malformed file. */
export function parseYealinkBoot(body: string, model: string): string[] {
  const lines = body.split(/\r?\n/);
  if (lines[0]?.trim() !== KV_HEADER) throw new GhostguardError('GG_ERR_LAB_CONFIG', `missing "${KV_HEADER}" header`);
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
    throw new GhostguardError('GG_ERR_LAB_CONFIG', `line ${i + 2}: neither include:config nor key = value`);
  });
  return out;
}

export async function yealinkBoot(ctx: BootContext): Promise<void> {
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
