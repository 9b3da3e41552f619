/**
 * Idle-connection floods against a real `ghostguard serve` while phones boot from their own addresses. Shared by the
 * hostile test and bench/connection-flood.ts (both the full 20,000 + 10,000).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'undici';

export interface FloodSpec {
  host: string;
  port: number;
  sources: string[];
  count: number;
  seconds: number;
  reopenMs: number;
}

export interface FloodStats {
  opened: number;
  open: number;
  closedByServer: number;
  failed: number;
}

export interface Flood {
  child: ChildProcess;
  latest: () => FloodStats;
  stop: () => Promise<void>;
}

/** The open-file hard limit of this process (/proc/self/limits), the ceiling a child's soft limit is raised to. */
function hardOpenFileLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const hard = Number(line?.split(/\s+/)[4]);
  return Number.isFinite(hard) && hard > 0 ? hard : 1024;
}

/**
 * Starts as many flooding processes as `spec.count` needs, each holding at most 10,000 connections and always fewer
 * than its open-file limit (Node raises a process's soft limit to the hard one at start), so the floods are bounded by
 * the server's caps, never by the attacker's own descriptors.
 */
export function startFloods(spec: FloodSpec): Flood[] {
  const perProcess = Math.min(10_000, hardOpenFileLimit() - 256);
  return Array.from({ length: Math.ceil(spec.count / perProcess) }, (_, i) =>
    startFlood({ ...spec, count: Math.min(perProcess, spec.count - i * perProcess) }),
  );
}

/** Starts one flooding process (at most its open-file limit of connections). */
function startFlood(spec: FloodSpec): Flood {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'idle-flood.mjs'), JSON.stringify(spec)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let latest: FloodStats = { opened: 0, open: 0, closedByServer: 0, failed: 0 };
  let buffer = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffer += d.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) if (line) latest = JSON.parse(line) as FloodStats;
  });
  return {
    child,
    latest: () => latest,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** Waits until the floods together have made `attempts` connection attempts (or `ms` passed). */
export async function floodUnderWay(floods: Flood[], attempts: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  const made = () => floods.reduce((n, f) => n + f.latest().opened + f.latest().failed, 0);
  while (made() < attempts && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
}

export const GRANDSTREAM_UA = (mac: string) => `Grandstream Model HW GXP2140 SW 1.0.9.14 DevId ${mac}`;
export const floodPhoneMac = (i: number) => `000b8220${(i >> 8).toString(16).padStart(2, '0')}${(i & 255).toString(16).padStart(2, '0')}`;

/** One phone's first boot from its own address over a fresh HTTPS connection: the three files a GXP2140 asks for. */
export async function bootPhone(origin: string, mac: string, source: string): Promise<number[]> {
  const client = new Client(origin, {
    localAddress: source,
    connect: { rejectUnauthorized: false },
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const codes: number[] = [];
  try {
    for (const file of [`cfg${mac}.xml`, 'cfggxp2140.xml', 'cfg.xml']) {
      let code = 0;
      // a phone retries a reset connection, as firmware does
      for (let attempt = 0; attempt < 3 && code === 0; attempt++) {
        try {
          const res = await client.request({ method: 'GET', path: `/${file}`, headers: { 'user-agent': GRANDSTREAM_UA(mac) } });
          await res.body.dump();
          code = res.statusCode;
        } catch {
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      codes.push(code);
    }
  } finally {
    await client.destroy();
  }
  return codes;
}

/** Boots `phones` phones, `concurrency` at a time; returns each phone's status codes. */
export async function bootPhones(origin: string, phones: { mac: string; source: string }[], concurrency: number): Promise<number[][]> {
  const results: number[][] = new Array(phones.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < phones.length; i = next++) results[i] = await bootPhone(origin, phones[i]!.mac, phones[i]!.source);
    }),
  );
  return results;
}
