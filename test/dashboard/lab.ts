/** A ghostguard Runtime with its dashboard and a small lab fleet provisioned by it, all on one 127.x range. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabFleet, planFleet, type FleetOptions } from '../../src/lab/fleet.js';
import { inventoryYaml } from '../../src/lab/inventory-yaml.js';
import type { PhoneManifest } from '../../src/lab/phone-manifest.js';
import { Runtime } from '../../src/app/runtime.js';
import { VENDORS } from '../../vendors/index.js';
import { freeTcpPort, freeUdpPort } from '../auditor/helpers/net.js';

export const ADMIN_PASSWORD = 'lab-admin-Pa55word-x7';

export interface DashboardLab {
  runtime: Runtime;
  fleet: LabFleet;
  manifest: PhoneManifest[];
  dir: string;
  configPath: string;
  /** the lab range as an audit target, e.g. 127.0.90.1-6 */
  range: string;
  probe: { httpPorts: number[]; httpsPorts: number[]; snmpPort: number; sipPorts: number[] };
  stop: () => Promise<void>;
}

/** `base` must be x.y.z.1 on 127/8 and owned by the calling test file. */
export async function startDashboardLab(base: string, phones = 6, factory = 2, macSeed = 0x90): Promise<DashboardLab> {
  const options: Omit<FleetOptions, 'server'> = {
    phones,
    factory,
    baseIp: base,
    adapters: VENDORS,
    httpPort: await freeTcpPort(base),
    httpsPort: await freeTcpPort(base),
    snmpPort: await freeUdpPort(base),
    macSeed,
  };
  const dir = mkdtempSync(join(tmpdir(), 'gg-dash-'));
  const configPath = join(dir, 'ghostguard.yaml');
  writeFileSync(
    configPath,
    inventoryYaml(planFleet(options), {
      server: { port: 0, publicUrl: 'https://127.0.0.1:8443/', dataDir: join(dir, 'data'), tls: 'auto' },
    }),
  );
  const prefix = base.slice(0, base.lastIndexOf('.'));
  const probe = { httpPorts: [options.httpPort!], httpsPorts: [options.httpsPort!], snmpPort: options.snmpPort!, sipPorts: [5060] };
  const runtime = await Runtime.create({
    configPath,
    vendors: VENDORS,
    dataDir: join(dir, 'data'),
    env: { GHOSTGUARD_ADMIN_PASSWORD: ADMIN_PASSWORD },
    admin: { auditOptions: { ...probe, timeoutMs: 400, retries: 0, hostGapMs: 0, allowed: [`${prefix}.0/24`] } },
  });
  const url = (await runtime.listen('127.0.0.1', 0))[0]!.replace('localhost', '127.0.0.1');
  let fleet: LabFleet;
  try {
    fleet = await LabFleet.start({ ...options, server: url, serverCa: runtime.tls!.cert });
  } catch (err) {
    await runtime.close();
    throw err;
  }
  await runtime.store.flush();
  return {
    runtime,
    fleet,
    manifest: fleet.manifest(),
    dir,
    configPath,
    range: `${base}-${phones}`,
    probe,
    stop: async () => {
      await fleet.stop();
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
