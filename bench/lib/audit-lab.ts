/**
 * A lab for audit benchmarks: groups of emulated phones spread evenly over loopback ranges (not packed at the start),
 * one ghostguard inventory for all of them, a provisioning server in this process, and the phones booted from it.
 * Every address is in 127.0.0.0/8 (the lab refuses anything else).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { EmulatedPhone, inventoryYaml, planFleet, type PhoneManifest, type PhoneSpec } from '../../src/lab/index.js';
import { mapLimit } from '../../src/lab/fleet.js';
import { Runtime } from '../../src/app/runtime.js';
import { VENDORS } from '../../vendors/index.js';

export interface LabGroup {
  /** IPv4 CIDR the phones are spread over, e.g. 127.201.0.0/24 */
  cidr: string;
  phones: number;
  factory: number;
  /** second byte of the lab MACs: distinct per group */
  macSeed: number;
}

export interface BenchLab {
  manifest: PhoneManifest[];
  configPath: string;
  serverUrl: string;
  stop(): Promise<void>;
}

const toInt = (ip: string): number => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const toIp = (n: number): string => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');

/** `count` host addresses spread evenly over the CIDR (never .0 or .255), in 127/8 only. */
export function spreadAddresses(cidr: string, count: number): string[] {
  const [base, bits] = cidr.split('/') as [string, string];
  if (base.split('.')[0] !== '127') throw new Error(`${cidr} is outside 127.0.0.0/8`);
  const size = 2 ** (32 - Number(bits));
  const start = toInt(base) & ~(size - 1);
  const step = Math.floor((size - 2) / count);
  const out: string[] = [];
  for (let i = 0, n = start + 1; out.length < count && i < size; i++, n += step) {
    let k = n;
    while (k % 256 === 0 || k % 256 === 255) k++;
    out.push(toIp(k));
  }
  return out;
}

export const freePort = (): Promise<number> =>
  new Promise((done, fail) => {
    const s = createServer()
      .once('error', fail)
      .listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => done(p));
      });
  });

/** Plans every group, writes the inventory, starts the server, boots the provisionable phones from it, starts them all. */
export async function startBenchLab(
  dir: string,
  groups: readonly LabGroup[],
  ports: { http: number; https: number; snmp: number },
): Promise<BenchLab> {
  const specs: PhoneSpec[] = groups.flatMap((g) => {
    const ips = spreadAddresses(g.cidr, g.phones);
    const planned = planFleet({
      phones: g.phones,
      factory: g.factory,
      baseIp: ips[0]!,
      adapters: VENDORS,
      httpPort: ports.http,
      httpsPort: ports.https,
      snmpPort: ports.snmp,
      ringTimeoutMs: 5000,
      macSeed: g.macSeed,
    });
    // planFleet puts the factory phones first; spread them over the range instead of packing them at its start
    const positions = interleave(g.phones, g.factory);
    return planned.map((spec, k) => ({ ...spec, ip: ips[positions[k]!]! }));
  });
  const port = await freePort();
  const configPath = join(dir, 'ghostguard.yaml');
  writeFileSync(
    configPath,
    inventoryYaml(specs, {
      server: { port, tls: 'auto', dataDir: join(dir, 'data'), publicUrl: `https://127.0.0.1:${port}/`, allowPlainHttp: false },
    }),
  );
  const runtime = await Runtime.create({ configPath, vendors: VENDORS, env: {} });
  const [url] = await runtime.listen('127.0.0.1', port);
  const serverUrl = `${url!.replace('localhost', '127.0.0.1')}/`;
  const phones = specs.map((s) => new EmulatedPhone(s, VENDORS.find((a) => a.id === s.vendor)!));
  try {
    await mapLimit(
      phones.filter((p) => !p.factory),
      16,
      (p) => p.boot(serverUrl, { ca: runtime.tls!.cert }),
    );
    await mapLimit(phones, 64, (p) => p.start());
  } catch (err) {
    await Promise.all(phones.map((p) => p.stop()));
    await runtime.close();
    throw err;
  }
  return {
    manifest: phones.map((p) => p.manifest()),
    configPath,
    serverUrl,
    async stop() {
      await Promise.all(phones.map((p) => p.stop()));
      await runtime.close();
    },
  };
}

/** Positions (indices into the spread addresses) for factory phones first, then the provisioned ones. */
function interleave(phones: number, factory: number): number[] {
  if (factory === 0) return Array.from({ length: phones }, (_, i) => i);
  const stride = Math.floor(phones / factory);
  const factorySlots = Array.from({ length: factory }, (_, i) => i * stride);
  const taken = new Set(factorySlots);
  const rest = Array.from({ length: phones }, (_, i) => i).filter((i) => !taken.has(i));
  return [...factorySlots, ...rest];
}
