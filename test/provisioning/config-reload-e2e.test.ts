/**
 * Config reloads of a real `ghostguard serve`: the watcher follows atomic saves (write a temporary file, rename it over
 * the config) again and again; a 100 MB file is refused unread, and a large invalid one is parsed in a thread of its
 * own — phones are answered all the while, and the memory the parse took goes away with the thread.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetYaml } from '../helpers/runtime.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';

const PORT = 21281;
const HOST = '127.124.0.1';
const UA = (mac: string) => `Yealink SIP-T46U 108.86.0.45 ${mac}`;
const DEVICE = (mac: string) => ({ mac, vendor: 'yealink', model: 'T46U' });
let serve: ServeProcess;
let baseYaml: string;

beforeAll(async () => {
  serve = await startServe(
    fleetYaml([DEVICE('00:15:65:00:12:81')]).replace('server:\n', `server:\n  host: ${HOST}\n  adminHost: ${HOST}\n`),
    PORT,
    ['--duration', '600'],
  );
  baseYaml = readFileSync(serve.path, 'utf8');
}, 40_000);

afterAll(async () => {
  await serve?.stop();
});

async function get(path: string, mac: string, from: string): Promise<number> {
  const c = new Client(`https://${HOST}:${PORT}`, { localAddress: from, connect: { rejectUnauthorized: false } });
  try {
    const res = await c.request({ method: 'GET', path, headers: { 'user-agent': UA(mac) } });
    await res.body.text();
    return res.statusCode;
  } finally {
    await c.close();
  }
}

/** an editor's save: the new text in a temporary file beside the config, renamed over it (returns the rename) */
function atomicSave(text: string): () => void {
  const temp = `${serve.path}.tmp-${Date.now()}`;
  writeFileSync(temp, text);
  return () => renameSync(temp, serve.path);
}

async function until(done: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return done();
}

const count = (pattern: RegExp) => (serve.output().match(pattern) ?? []).length;

/** phones fetching the shared file while `during` runs: every status and the slowest answer */
async function phonesDuring(during: () => Promise<void>): Promise<{ statuses: number[]; slowestMs: number }> {
  let stop = false;
  const statuses: number[] = [];
  let slowestMs = 0;
  const phones = Array.from({ length: 3 }, async (_, k) => {
    while (!stop) {
      const t = performance.now();
      statuses.push(await get('/y000000000028.cfg', '00:15:65:00:12:81', `127.124.20.${k + 1}`).catch(() => 0));
      slowestMs = Math.max(slowestMs, performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  try {
    await during();
  } finally {
    stop = true;
    await Promise.all(phones);
  }
  return { statuses, slowestMs };
}

function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

describe('config reloads', () => {
  it('follow one atomic save after another', async () => {
    const added = ['00:15:65:00:12:82', '00:15:65:00:12:83'];
    for (const [i, mac] of added.entries()) {
      const before = count(/configuration reloaded/g);
      atomicSave(
        fleetYaml([DEVICE('00:15:65:00:12:81'), ...added.slice(0, i + 1).map(DEVICE)]).replace(
          'server:\n',
          baseYaml.slice(0, baseYaml.indexOf('  publicUrl')),
        ),
      )();
      expect(await until(() => count(/configuration reloaded/g) > before, 15_000), serve.output()).toBe(true);
      // the new device is in service: its enrolment fetch is served
      expect(await get(`/${mac.replaceAll(':', '')}.cfg`, mac, `127.124.21.${i + 1}`)).toBe(200);
    }
  }, 60_000);

  it('refuse a 100 MB file unread while phones keep being served', async () => {
    // written before the phones start: the test's own 100 MB write must not be what holds them up
    const rename = atomicSave(baseYaml + `# ${'x'.repeat(100 * 1024 * 1024)}\n`);
    const { statuses, slowestMs } = await phonesDuring(async () => {
      const before = count(/configuration invalid/g);
      rename();
      expect(await until(() => count(/configuration invalid/g) > before, 30_000), serve.output()).toBe(true);
    });
    expect(serve.output()).toMatch(/100\.0 MB is more than the 64 MB a configuration may have; not read/);
    expect(statuses.length).toBeGreaterThan(3);
    expect(
      statuses.every((s) => s === 200),
      statuses.join(' '),
    ).toBe(true);
    expect(slowestMs).toBeLessThan(1500);
  }, 60_000);

  it('parse a large invalid file off the phone thread, keep the running config, and give the memory back', async () => {
    const rssBefore = rssMb(serve.child.pid!);
    const bad = Array.from({ length: 25_000 }, (_, i) => `  - { mac: "zz:${i}", vendor: nokia, model: X${i}, site: nowhere }`).join('\n');
    const rename = atomicSave(baseYaml.replace(/devices:[\s\S]*$/, `devices:\n${bad}\n`));
    const { statuses, slowestMs } = await phonesDuring(async () => {
      const before = count(/configuration invalid/g);
      rename();
      expect(await until(() => count(/configuration invalid/g) > before, 150_000), serve.output().slice(-2000)).toBe(true);
    });
    expect(
      statuses.every((s) => s === 200),
      statuses.join(' '),
    ).toBe(true);
    expect(slowestMs).toBeLessThan(1500);
    // the running config still serves its devices (this one is still in its enrolment window)
    expect(await get('/001565001281.cfg', '00:15:65:00:12:81', '127.124.22.1')).toBe(200);
    await new Promise((r) => setTimeout(r, 2000));
    expect(rssMb(serve.child.pid!) - rssBefore).toBeLessThan(150);
  }, 240_000);
});
