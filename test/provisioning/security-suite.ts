/**
 * The hostile suite: harvesting, replay, enrolment, canaries, uniform answers, bad input, secret leaks. It runs three
 * times: through fastify's router (inject) and over real HTTPS sockets from 127.x source addresses (the lean GET/HEAD
 * path a boot storm takes) on the SQLite state, and over sockets again with the state and the replicas' coordination
 * in a throwaway PostgreSQL — all must refuse the same way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/app/runtime.js';
import { parseMac } from '../../src/model/mac.js';
import { digestHeader, nonceFrom } from '../helpers/digest-client.js';
import { fleetYaml, startRuntime } from '../helpers/runtime.js';
import type { PhoneRequestSpec, Transport } from '../helpers/phone-transport.js';
import { type StoreBackend, type StoreTarget, storeBackend, withStore } from '../helpers/store-backends.js';
import type { SecurityEvent } from '../../src/store/store.js';

const KNOWN = '00:15:65:00:00:21';
const DISABLED = '00:15:65:00:00:22';
const AUDIT_ONLY = '00:15:65:00:00:2a';
const CLOSED = '00:15:65:00:00:23';
const POLY = '00:04:f2:00:00:21';
const YEALINK_UA = (mac: string) => `Yealink SIP-T46U 108.86.0.45 ${mac}`;

export function securitySuite(transport: Transport, backend: StoreBackend = storeBackend('SQLite')): void {
  describe.skipIf(backend.missing)(`hostile suite, ${transport.name}, state in ${backend.name}${backend.note}`, () => {
    hostile(transport, backend);
  });
}

function hostile(transport: Transport, backend: StoreBackend): void {
  let runtime: Runtime;
  let dir: string;
  let target: StoreTarget;
  let clock = Date.now();
  let secrets: string[];

  beforeAll(async () => {
    target = await backend.target();
    ({ runtime, dir } = await startRuntime(
      withStore(
        fleetYaml([
          { mac: KNOWN, vendor: 'yealink', model: 'T46U' },
          { mac: DISABLED, vendor: 'yealink', model: 'T46U', disabled: true },
          { mac: AUDIT_ONLY, vendor: 'yealink', model: 'T46U', provision: false },
          { mac: CLOSED, vendor: 'yealink', model: 'T46U' },
          { mac: POLY, vendor: 'polycom', model: 'VVX_400' },
        ]),
        target,
      ),
      undefined,
      () => clock,
    ));
    await transport.started(runtime);
    await runtime.store.closeEnrolment(parseMac(CLOSED)!, undefined, new Date(clock - 3600_000));
    secrets = runtime.config.inventory.allSecrets();
    expect(secrets.length).toBeGreaterThan(8);
  });
  afterAll(async () => {
    // Every byte the server wrote about this whole suite: events (SQLite + JSON lines) and fetch history.
    const stored = await runtime.store.events({ limit: 1_000_000 });
    await runtime.store.flush();
    // every fetch row, read through a connection of the test's own
    const fromDb = [JSON.stringify(stored), JSON.stringify(await target.query('SELECT * FROM fetches', join(dir, 'data')))];
    await transport.close(runtime);
    await runtime.close();
    await backend.stop();
    const jsonl = readFileSync(join(dir, 'data', 'events.jsonl'), 'utf8');
    expect(jsonl.split('\n').length).toBeGreaterThan(2_000);
    // every security event of the suite, of every reason, reached both sinks
    // PostgreSQL's text keeps no NUL: a garbage upload's detail is stored with U+FFFD where the file has \u0000
    const key = (e: SecurityEvent) =>
      [e.ts, e.reason, e.severity, e.source, e.mac, e.file, e.detail].join('\x1f').replaceAll('\0', '\uFFFD');
    const inFile = new Set(
      jsonl
        .split('\n')
        .filter(Boolean)
        .map((l) => key(JSON.parse(l) as SecurityEvent)),
    );
    expect(stored.filter((e) => !inFile.has(key(e)))).toEqual([]);
    expect(new Set(stored.map((e) => e.reason)).size).toBeGreaterThan(10);
    const written = [...fromDb, jsonl].join('\n');
    for (const secret of secrets) expect(written.includes(secret), 'a secret reached the logs').toBe(false);
  });

  const fetchAs = (
    address: string,
    url: string,
    userAgent: string,
    headers: Record<string, string> = {},
    method: PhoneRequestSpec['method'] = 'GET',
    payload?: string,
  ) => transport.send(runtime, address, { method, url, payload, headers: { 'user-agent': userAgent, ...headers } });

  function randomYealinkMac(i: number): string {
    return `001565${(0x100000 + i * 7919).toString(16).slice(-6)}`;
  }

  describe('harvesting by MAC guessing', () => {
    it('10,000 guesses from one address serve zero secrets and end in a ban', async () => {
      let served = 0;
      let bannedAt = -1;
      for (let i = 0; i < 10_000; i++) {
        const mac = randomYealinkMac(i);
        const res = await fetchAs('127.0.50.1', `/${mac}.cfg`, YEALINK_UA(mac.match(/../g)!.join(':')));
        if (res.statusCode === 200) served++;
        if (res.statusCode === 403 && bannedAt < 0) bannedAt = i;
      }
      expect(served).toBe(0);
      expect(bannedAt).toBeGreaterThan(0);
      expect(bannedAt).toBeLessThanOrEqual(1000);
      expect((await runtime.store.events({ reason: 'banned' })).some((e) => e.source === '127.0.50.1')).toBe(true);
    });

    it('10,000 guesses spread over 64 addresses of one /24 are banned as a subnet', async () => {
      let served = 0;
      let bannedAt = -1;
      for (let i = 0; i < 10_000; i++) {
        const mac = randomYealinkMac(20_000 + i);
        const res = await fetchAs(`127.0.51.${1 + (i % 64)}`, `/${mac}.cfg`, YEALINK_UA(mac.match(/../g)!.join(':')));
        if (res.statusCode === 200) served++;
        if (res.statusCode === 403 && bannedAt < 0) bannedAt = i;
      }
      expect(served).toBe(0);
      expect(bannedAt).toBeGreaterThan(0);
      expect(bannedAt).toBeLessThanOrEqual(2500);
      // the whole /24 is now refused, even an address that never guessed
      expect((await fetchAs('127.0.51.200', '/y000000000000.boot', YEALINK_UA('00:15:65:00:00:01'))).statusCode).toBe(403);
    });

    it('guesses that carry made-up credentials are banned within 10 requests', async () => {
      let bannedAt = -1;
      for (let i = 0; i < 50 && bannedAt < 0; i++) {
        const mac = randomYealinkMac(40_000 + i);
        const challenge = await fetchAs('127.0.52.1', `/${mac}.cfg`, YEALINK_UA('00:15:65:00:00:01'));
        if (challenge.statusCode === 403) {
          bannedAt = i;
          break;
        }
        const auth = digestHeader(`gg${mac}`, 'guess', 'GET', `/${mac}.cfg`, nonceFrom(challenge.headers['www-authenticate']));
        const res = await fetchAs('127.0.52.1', `/${mac}.cfg`, YEALINK_UA('00:15:65:00:00:01'), { authorization: auth });
        expect(res.statusCode).not.toBe(200);
        if (res.statusCode === 403) bannedAt = i;
      }
      expect(bannedAt).toBeGreaterThan(0);
      expect(bannedAt).toBeLessThanOrEqual(10);
    });

    it('a canary MAC bans at once and raises a critical event', async () => {
      const res = await fetchAs('127.0.53.1', '/001565dead01.cfg', YEALINK_UA('00:15:65:de:ad:01'));
      expect(res.statusCode).toBe(401);
      expect((await fetchAs('127.0.53.1', `/${parseMac(KNOWN)}.cfg`, YEALINK_UA(KNOWN))).statusCode).toBe(403);
      expect((await runtime.store.events({ reason: 'canary' }))[0]).toMatchObject({ severity: 'critical', source: '127.0.53.1' });
    });
  });

  describe('uniform answers', () => {
    it('unknown, disabled, not-enrolled and mismatched requests look the same', async () => {
      const cases = [
        ['unknown', '001565777777', YEALINK_UA('00:15:65:77:77:77')],
        ['disabled', parseMac(DISABLED)!, YEALINK_UA(DISABLED)],
        ['audit only (provision: false), enrolment open', parseMac(AUDIT_ONLY)!, YEALINK_UA(AUDIT_ONLY)],
        ['closed enrolment', parseMac(CLOSED)!, YEALINK_UA(CLOSED)],
        ['UA MAC differs', parseMac(KNOWN)!, YEALINK_UA('00:15:65:99:99:99')],
      ] as const;
      const shapes = [];
      for (const [name, mac, ua] of cases) {
        const res = await fetchAs('127.0.54.1', `/${mac}.cfg`, ua);
        const headers = Object.fromEntries(
          Object.entries(res.headers)
            .filter(([k]) => k !== 'date')
            .map(([k, v]) => [k, k === 'www-authenticate' ? String(v).replace(/nonce="[^"]+"/, 'nonce=…') : v]),
        );
        shapes.push({ name, status: res.statusCode, body: res.body, headers });
      }
      for (const s of shapes) expect({ ...s, name: '' }).toEqual({ ...shapes[0]!, name: '' });
      expect(shapes[0]!.status).toBe(401);
      expect((await runtime.store.events({ reason: 'ua-url-mismatch' })).length).toBeGreaterThan(0);
      // the first credential-less request is a Digest challenge like any phone's; coming back without credentials is the event
      await fetchAs('127.0.54.1', `/${parseMac(CLOSED)!}.cfg`, YEALINK_UA(CLOSED));
      // recorded after the 401 and after a look at the device's history (on PostgreSQL, a round trip or two later)
      const deadline = Date.now() + 5000;
      while ((await runtime.store.events({ reason: 'not-enrolled' })).length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect((await runtime.store.events({ reason: 'not-enrolled' })).length).toBeGreaterThan(0);
    });
  });

  describe('digest credentials', () => {
    it('a replayed Authorization header is refused, a stale nonce is refused with stale=true', async () => {
      const mac = parseMac(KNOWN)!;
      await runtime.store.closeEnrolment(mac, undefined, new Date(clock - 3600_000));
      const url = `/${mac}.cfg`;
      const challenge = await fetchAs('127.0.55.1', url, YEALINK_UA(KNOWN));
      const inv = runtime.config.inventory;
      const auth = digestHeader(
        inv.provisioningUsername(mac),
        inv.provisioningPassword(mac, 0),
        'GET',
        url,
        nonceFrom(challenge.headers['www-authenticate']),
      );
      expect((await fetchAs('127.0.55.1', url, YEALINK_UA(KNOWN), { authorization: auth })).statusCode).toBe(200);
      expect((await fetchAs('127.0.55.1', url, YEALINK_UA(KNOWN), { authorization: auth })).statusCode).toBe(401);
      expect((await runtime.store.events({ reason: 'replayed-nonce' })).length).toBe(1);
      const later = digestHeader(
        inv.provisioningUsername(mac),
        inv.provisioningPassword(mac, 0),
        'GET',
        url,
        nonceFrom(challenge.headers['www-authenticate']),
        2,
      );
      clock += 10 * 60_000;
      const stale = await fetchAs('127.0.55.1', url, YEALINK_UA(KNOWN), { authorization: later });
      expect(stale.statusCode).toBe(401);
      expect(String(stale.headers['www-authenticate'])).toContain('stale=true');
      expect((await runtime.store.events({ reason: 'stale-nonce' })).length).toBe(1);
    });

    it('after a rotation both old and new credentials work until the phone uses the new ones', async () => {
      const mac = parseMac(KNOWN)!;
      const url = `/${mac}.cfg`;
      const inv = runtime.config.inventory;
      const oldPassword = inv.provisioningPassword(mac, (await runtime.store.credentials(mac)).generation);
      await runtime.store.rotateCredentials(mac, false);
      const newPassword = inv.provisioningPassword(mac, (await runtime.store.credentials(mac)).generation);
      expect(newPassword).not.toBe(oldPassword);
      const attempt = async (password: string) => {
        const challenge = await fetchAs('127.0.56.1', url, YEALINK_UA(KNOWN));
        const auth = digestHeader(inv.provisioningUsername(mac), password, 'GET', url, nonceFrom(challenge.headers['www-authenticate']));
        return fetchAs('127.0.56.1', url, YEALINK_UA(KNOWN), { authorization: auth });
      };
      const withOld = await attempt(oldPassword);
      expect(withOld.statusCode).toBe(200);
      expect(withOld.body).toContain(newPassword);
      expect((await attempt(newPassword)).statusCode).toBe(200);
      expect((await attempt(oldPassword)).statusCode).toBe(401);
    });
  });

  describe('bad input', () => {
    const cases: [string, string, string, number][] = [
      ['malformed MAC', '/00156500zz21.cfg', YEALINK_UA(KNOWN), 404],
      ['path traversal', '/..%2f..%2fetc%2fpasswd', YEALINK_UA(KNOWN), 400],
      ['encoded traversal', '/prov/%2e%2e%2f%2e%2e%2fetc%2fpasswd', YEALINK_UA(KNOWN), 400],
      ['oversized User-Agent', '/y000000000000.boot', 'Yealink ' + 'A'.repeat(5000), 400],
      ['control characters in User-Agent', '/y000000000000.boot', 'Yealink\u0001SIP', 400],
      ['unknown vendor file', '/SEP001122334455.cnf.xml', 'Cisco/1.0', 404],
    ];
    it.each(cases)('%s → clear 4xx and an event', async (_name, url, ua, status) => {
      const before = (await runtime.store.events({ limit: 1_000_000 })).length;
      const res = await fetchAs('127.0.57.1', url, ua);
      expect(res.statusCode).toBe(status);
      expect((await runtime.store.events({ limit: 1_000_000 })).length).toBeGreaterThan(before);
    });

    it('garbage PUT bodies are refused; a weakening Polycom override is stored and raised', async () => {
      const mac = parseMac(POLY)!;
      await runtime.store.openEnrolment(mac, new Date(clock + 3600_000));
      const ua = 'FileTransport PolycomVVX-VVX_400-UA/6.4.1.2280 Type/Application';
      const garbage = await fetchAs(
        '127.0.58.1',
        `/${mac}-phone.cfg`,
        ua,
        { 'content-type': 'application/octet-stream' },
        'PUT',
        '\u0000\u0001<<<not xml',
      );
      expect(garbage.statusCode).toBe(400);
      expect((await runtime.store.events({ reason: 'bad-upload' })).length).toBe(1);
      const weakening = '<?xml version="1.0"?><PHONE_CONFIG><OVERRIDES voIpProt.SIP.requestValidation.1.method="" /></PHONE_CONFIG>';
      const res = await fetchAs('127.0.58.1', `/${mac}-phone.cfg`, ua, { 'content-type': 'text/xml' }, 'PUT', weakening);
      expect(res.statusCode).toBe(204);
      expect((await runtime.store.overrides(mac))[0]!.weakened.join(' ')).toContain('requestValidation');
      expect((await runtime.store.events({ reason: 'weakening-override' }))[0]).toMatchObject({ mac, severity: 'high' });
    });
  });

  describe('refused cheaply and quietly', () => {
    const unrenderable: [string, string, string][] = [
      ['Grandstream common file, Yealink User-Agent', '/cfg.xml', YEALINK_UA(KNOWN)],
      ['Grandstream common file, no phone at all', '/cfg.xml', 'curl/8.5.0'],
      [
        'Grandstream model file for a model that does not exist',
        '/cfgzz999.xml',
        'Grandstream Model HW GXP2140 SW 1.0.9.14 DevId 000b82000001',
      ],
      [
        'Poly master file from a model that does not exist',
        '/000000000000.cfg',
        'FileTransport PolycomVVX-VVX_999-UA/6.4.1.2280 Type/Application',
      ],
    ];
    it.each(unrenderable)('%s → 404 and a low event, never a 500 or a critical event', async (_name, url, ua) => {
      const critical = (await runtime.store.events({ reason: 'policy-violating-render', limit: 1_000_000 })).length;
      const res = await fetchAs('127.123.5.1', url, ua);
      expect(res.statusCode).toBe(404);
      expect((await runtime.store.events({ reason: 'unrenderable-request', limit: 1 }))[0]).toMatchObject({
        reason: 'unrenderable-request',
        severity: 'low',
        source: '127.123.5.1',
      });
      expect((await runtime.store.events({ reason: 'policy-violating-render', limit: 1_000_000 })).length).toBe(critical);
    });

    it('they count toward the ban: 1,100 of them from one address end in 403', async () => {
      let bannedAt = -1;
      for (let i = 0; i < 1100 && bannedAt < 0; i++) {
        const res = await fetchAs('127.123.5.2', '/cfg.xml', 'curl/8.5.0');
        if (res.statusCode === 403) bannedAt = i;
        else expect(res.statusCode).toBe(404);
      }
      expect(bannedAt).toBeGreaterThan(900);
      // one ban, one event: a replica's shared count, written after the answer, does not announce it a second time
      await (runtime.coordination as { flushGuard?: () => Promise<void> }).flushGuard?.();
      expect((await runtime.store.events({ reason: 'banned' })).filter((e) => e.source === '127.123.5.2')).toHaveLength(1);
    });
  });

  // what nmap's http-methods and curl -X tried (the attacker's pass of #17): fastify answered its own JSON 404 naming the
  // route, read a POST body of up to 1 MB before that, recorded nothing and counted nothing
  describe('methods no phone sends', () => {
    const foreign = ['OPTIONS', 'POST', 'DELETE', 'TRACE', 'PATCH'] as const;
    it.each(foreign)('%s → 405 with the Allow header RFC 9110 §15.5.6 requires, and a medium event', async (method) => {
      const res = await fetchAs('127.154.5.1', '/y000000000108.cfg', YEALINK_UA(KNOWN), {}, method, method === 'POST' ? 'x=1' : undefined);
      expect(res.statusCode).toBe(405);
      expect(res.headers.allow).toBe('GET, HEAD, PUT');
      expect(res.body).toBe('Method Not Allowed\n');
      expect((await runtime.store.events({ reason: 'malformed-request', limit: 1 }))[0]).toMatchObject({
        reason: 'malformed-request',
        severity: 'medium',
        source: '127.154.5.1',
        detail: `method ${method}`,
      });
    });

    it('hostile paths and foreign methods count toward the ban: 1,100 from one address end in 403', async () => {
      let bannedAt = -1;
      for (let i = 0; i < 1100 && bannedAt < 0; i++) {
        const res =
          i % 10 === 0
            ? await fetchAs('127.154.5.2', '/y000000000108.cfg', 'x', {}, 'TRACE')
            : await fetchAs('127.154.5.2', '/%2e%2e%2fmaster.key', 'x');
        if (res.statusCode === 403) bannedAt = i;
        else expect(res.statusCode).toBe(i % 10 === 0 ? 405 : 400);
      }
      expect(bannedAt).toBeGreaterThan(900);
      expect((await runtime.store.events({ reason: 'banned' })).some((e) => e.source === '127.154.5.2')).toBe(true);
    });
  });

  describe('boot storm behind one NAT address', () => {
    it('300 phones provision at once from a single address', async () => {
      const { runtime: storm } = await startRuntime(
        withStore(
          fleetYaml(
            Array.from({ length: 300 }, (_, i) => ({
              mac: `00:0b:82:10:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
              vendor: 'grandstream',
              model: 'GXP2140',
            })),
          ),
          await backend.target(),
        ),
      );
      try {
        await transport.started(storm);
        const results = await Promise.all(
          storm.config.inventory.devices.map(async (d) => {
            const ua = `Grandstream Model HW GXP2140 SW 1.0.9.14 DevId ${d.mac}`;
            const codes = [];
            for (const file of [`cfg${d.mac}.xml`, 'cfggxp2140.xml', 'cfg.xml']) {
              codes.push(
                (await transport.send(storm, '127.0.60.1', { method: 'GET', url: `/${file}`, headers: { 'user-agent': ua } })).statusCode,
              );
            }
            return codes;
          }),
        );
        expect(results.flat().every((c) => c === 200)).toBe(true);
        expect(await storm.store.events({ reason: 'banned' })).toEqual([]);
      } finally {
        await transport.close(storm);
        await storm.close();
      }
    });
  });
}
