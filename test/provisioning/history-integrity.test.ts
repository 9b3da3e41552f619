/**
 * Hostile: the fetch history says where a phone is and what it runs (`check <mac>` audits that address), so only
 * authenticated deliveries may write it. An attacker fetching a shared file with a User-Agent that names a known MAC
 * — over real HTTPS from its own 127.123.x address — leaves the history untouched and is an event.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { parseMac } from '../../src/model/mac.js';
import { Runtime } from '../../src/app/runtime.js';
import { VENDORS } from '../../vendors/index.js';
import { socketTransport } from '../helpers/phone-transport.js';
import { fleetYaml, writeTempConfig } from '../helpers/runtime.js';

const MAC = '00:15:65:00:07:01';
const PHONE = '127.123.7.10';
const ATTACKER = '127.123.7.66';
const UA = `Yealink SIP-T46U 108.86.0.45 ${MAC}`;
const transport = socketTransport();
let runtime: Runtime;
let dir: string;
let configPath: string;

beforeAll(async () => {
  const config = writeTempConfig('');
  dir = config.dir;
  configPath = config.path;
  writeFileSync(
    configPath,
    fleetYaml([{ mac: MAC, vendor: 'yealink', model: 'T46U' }]).replace('server:\n', `server:\n  dataDir: ${join(dir, 'data')}\n`),
  );
  runtime = await Runtime.create({ configPath, vendors: VENDORS, env: {} });
  await transport.started(runtime);
});

afterAll(async () => {
  await transport.close(runtime);
  await runtime.close();
});

const get = (address: string, url: string, userAgent: string) =>
  transport.send(runtime, address, { method: 'GET', url, headers: { 'user-agent': userAgent } });

describe('fetch history integrity', () => {
  it('an unauthenticated fetch naming a known MAC is an event, never the device history; check <mac> audits the authenticated address', async () => {
    const mac = parseMac(MAC)!;
    expect((await get(PHONE, `/${mac}.cfg`, UA)).statusCode).toBe(200);
    const before = await runtime.store.fetchHistory(mac);
    expect(before[0]).toMatchObject({ source: PHONE, auth: 'enrolment' });

    // the attacker claims the phone's MAC on a shared file (served: it holds no secret) and on its device file (refused)
    expect((await get(ATTACKER, '/y000000000000.boot', `Yealink SIP-T46U 66.86.0.1 ${MAC}`)).statusCode).toBe(200);
    expect((await get(ATTACKER, '/y000000000000.cfg', `Yealink SIP-T46U 66.86.0.1 ${MAC}`)).statusCode).toBe(200);
    expect((await get(ATTACKER, `/${mac}.cfg`, `Yealink SIP-T46U 66.86.0.1 ${MAC}`)).statusCode).toBe(401);

    expect(await runtime.store.fetchHistory(mac)).toEqual(before);
    expect(await runtime.store.lastFetchBySource(ATTACKER)).toBeUndefined();
    expect(await runtime.store.lastFetchBySource(PHONE)).toMatchObject({ mac, source: PHONE });
    // one event per address and MAC claimed (a phone names its MAC on every shared file of every boot)
    const claims = await runtime.store.events({ reason: 'unauthenticated-claim', mac });
    expect(claims).toHaveLength(1);
    expect(claims[0]).toMatchObject({ source: ATTACKER, severity: 'info', file: 'y000000000000.boot' });

    let out = '';
    const io: CliIo = { out: (t) => void (out += t), err: () => {}, env: {}, cwd: dir, isTty: false };
    await main(
      [
        'check',
        MAC,
        '-c',
        configPath,
        '--json',
        '--timeout',
        '300',
        '--retries',
        '0',
        '--allow',
        '127.123.0.0/16',
        '--http-ports',
        '21301',
        '--https-ports',
        '21302',
        '--snmp-port',
        '21303',
      ],
      io,
    );
    const result = JSON.parse(out) as { host: string; addressFrom: string; provisioning: { lastFetch: { source: string } } };
    expect(result).toMatchObject({ host: PHONE, addressFrom: 'fetch-history' });
    expect(result.provisioning.lastFetch.source).toBe(PHONE);
  }, 30_000);
});

describe('unauthenticated claims', () => {
  it('are one event per address and MAC in ten minutes, the next one counting those in between', async () => {
    const config = writeTempConfig('');
    writeFileSync(
      config.path,
      fleetYaml([{ mac: MAC, vendor: 'yealink', model: 'T46U' }]).replace('server:\n', `server:\n  dataDir: ${join(config.dir, 'data')}\n`),
    );
    let now = Date.parse('2026-01-05T08:00:00Z');
    const rt = await Runtime.create({ configPath: config.path, vendors: VENDORS, env: {}, clock: () => now });
    try {
      const claim = async (from: string, url: string) => {
        const res = await rt.app.inject({ method: 'GET', url, headers: { 'user-agent': UA }, remoteAddress: from });
        expect(res.statusCode).toBe(200);
      };
      // one boot's shared files, twice, from the phone's address; once from another
      for (let boot = 0; boot < 2; boot++) for (const url of ['/y000000000000.boot', '/y000000000108.cfg']) await claim(PHONE, url);
      await claim(ATTACKER, '/y000000000000.boot');
      now += 10 * 60_000;
      await claim(PHONE, '/y000000000108.cfg');
      await new Promise((r) => setImmediate(r));
      const claims = await rt.store.events({ reason: 'unauthenticated-claim', mac: parseMac(MAC)! });
      expect(claims.map((c) => [c.source, c.file, c.detail]).reverse()).toEqual([
        [PHONE, 'y000000000000.boot', UA],
        [ATTACKER, 'y000000000000.boot', UA],
        [PHONE, 'y000000000108.cfg', `${UA} (+3 more claims of this MAC from this address since the last event)`],
      ]);
    } finally {
      await rt.close();
    }
  });
});
