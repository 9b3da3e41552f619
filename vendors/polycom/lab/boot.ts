/**
 * The Poly boot flow as the lab emulates it: <mac>.cfg, on failure 000000000000.cfg; its CONFIG_FILES (first listed
 * wins), then the <mac>-phone.cfg override, then the log upload.
 */
import type { BootContext } from '../../../src/model/vendor-lab.js';
import { isMacIn, MAX_INCLUDES } from '../../_shared/lab-boot.js';
import { GhostguardError } from '../../../src/model/errors.js';

const POLYCOM_MASTER = /^(?:[0-9a-f]{12})\.cfg$/i;

export async function polycomBoot(ctx: BootContext): Promise<void> {
  const ua = ctx.steps[0]?.userAgent;
  if (!ua) return;
  const { mac } = ctx.identity;
  let configFiles: string[] | undefined;
  for (const step of ctx.steps.filter((s) => s.method === 'GET' && POLYCOM_MASTER.test(s.fileName))) {
    const body = await ctx.fetch(step.fileName, step.userAgent);
    if (body === undefined) continue;
    try {
      const listed = ctx.read(body).get('CONFIG_FILES');
      if (listed === undefined) throw new GhostguardError('GG_ERR_LAB_CONFIG', 'no CONFIG_FILES in the master configuration');
      configFiles = listed
        .split(',')
        .map((f) => f.trim().replace(/\[PHONE_MAC_ADDRESS\]/g, mac))
        .filter(Boolean);
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
