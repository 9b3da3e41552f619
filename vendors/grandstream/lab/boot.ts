/** The Grandstream boot flow as the lab emulates it: cfg<mac>.xml, else cfg<model>.xml, else cfg.xml; the first file applied ends the chain. */
import type { BootContext } from '../../../src/model/vendor-lab.js';
import { isMacIn } from '../../_shared/lab-boot.js';

export async function grandstreamBoot(ctx: BootContext): Promise<void> {
  for (const step of ctx.steps) {
    if (step.method !== 'GET') continue;
    const body = await ctx.fetch(step.fileName, step.userAgent);
    if (body !== undefined && ctx.apply(step.fileName, body, isMacIn(step.fileName, ctx.identity.mac))) return;
  }
}
