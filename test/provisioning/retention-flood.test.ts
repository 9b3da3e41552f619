/**
 * Retention caps under a flood, over real HTTPS from 127.136.9.x, on both state backends (SQLite, and a throwaway
 * PostgreSQL): `server.retention` set small, then 600 refused guesses (one security event each), 300 authenticated
 * Digest fetches (one history row each) and 11 Poly override uploads of ~300 KB from two phones. The state database
 * never holds more than the caps (read through the test's own connection): the newest rows are kept, the per-device
 * and total override caps hold within a second of the last upload, and no phone request waited for any of it.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/app/runtime.js';
import { parseMac } from '../../src/model/mac.js';
import { digestHeader, nonceFrom } from '../helpers/digest-client.js';
import { socketTransport } from '../helpers/phone-transport.js';
import { fleetYaml, startRuntime } from '../helpers/runtime.js';
import { type StoreTarget, storeBackends, withStore } from '../helpers/store-backends.js';

const YEALINK = '00:15:65:00:36:90';
const POLY_A = '00:04:f2:00:36:91';
const POLY_B = '00:04:f2:00:36:92';
const CAPS = { fetchRows: 150, eventRows: 100, overridesPerDevice: 3, overrideMb: 1 };

for (const backend of storeBackends()) {
  describe.skipIf(backend.missing)(`retention caps hold under a flood on ${backend.name}${backend.note}`, () => {
    const transport = socketTransport();
    let runtime: Runtime;
    let dir: string;
    let target: StoreTarget;

    beforeAll(async () => {
      target = await backend.target();
      const yaml = fleetYaml([
        { mac: YEALINK, vendor: 'yealink', model: 'T46U' },
        { mac: POLY_A, vendor: 'polycom', model: 'VVX_400' },
        { mac: POLY_B, vendor: 'polycom', model: 'VVX_400' },
      ]).replace(
        '  tls: auto\n',
        `  tls: auto\n  uploads: { overrideKb: 400 }\n  retention: { ${Object.entries(CAPS)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ')} }\n`,
      );
      ({ runtime, dir } = await startRuntime(withStore(yaml, target)));
      await transport.started(runtime);
    });

    afterAll(async () => {
      await transport.close(runtime);
      await runtime?.close();
      await backend.stop();
    });

    const one = async (sql: string): Promise<number> => Number(Object.values((await target.query(sql, join(dir, 'data')))[0]!)[0] ?? 0);
    const count = (table: string) => one(`SELECT count(*) AS n FROM ${table}`);

    it('security events and fetch history stay within their row caps, newest kept', async () => {
      const statuses = new Set<number>();
      for (let i = 0; i < 600; i++) {
        const guessed = `00:15:65:e0:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
        const res = await transport.send(runtime, `127.136.9.${1 + (i % 4)}`, {
          method: 'GET',
          url: `/${parseMac(guessed)}.cfg`,
          headers: { 'user-agent': `Yealink SIP-T46U 108.86.0.45 ${guessed}` },
        });
        statuses.add(res.statusCode);
      }
      expect([...statuses]).toEqual([401]);

      const mac = parseMac(YEALINK)!;
      await runtime.store.closeEnrolment(mac, undefined, new Date(Date.now() - 3600_000));
      const url = `/${mac}.cfg`;
      const ua = `Yealink SIP-T46U 108.86.0.45 ${YEALINK}`;
      const challenge = await transport.send(runtime, '127.136.9.10', { method: 'GET', url, headers: { 'user-agent': ua } });
      const nonce = nonceFrom(challenge.headers['www-authenticate']);
      const inventory = runtime.config.inventory;
      for (let nc = 1; nc <= 300; nc++) {
        const authorization = digestHeader(
          inventory.provisioningUsername(mac),
          inventory.provisioningPassword(mac, 0),
          'GET',
          url,
          nonce,
          nc,
        );
        const res = await transport.send(runtime, '127.136.9.10', { method: 'GET', url, headers: { 'user-agent': ua, authorization } });
        expect(res.statusCode).toBe(200);
      }
      // what this process queued is committed (the caps are applied in the same pass)
      expect(await runtime.store.fetchHistory(mac, 1)).toHaveLength(1);
      expect(await count('events')).toBeLessThanOrEqual(CAPS.eventRows);
      expect(await count('events')).toBeGreaterThan(CAPS.eventRows / 2);
      expect(await count('fetches')).toBe(CAPS.fetchRows);
      expect((await runtime.store.events({ limit: 1 }))[0]?.mac).toBe('001565e00257');
    });

    it('overrides keep the newest per device and stay within the total size cap', async () => {
      const upload = (mac: string, n: number) =>
        transport.send(runtime, '127.136.9.20', {
          method: 'PUT',
          url: `/${parseMac(mac)}-phone.cfg`,
          payload: `<?xml version="1.0"?><PHONE_CONFIG><OVERRIDES up.backlight.idleIntensity="${n}" lcl.datetime.date.format="${'D'.repeat(300 * 1024)}" /></PHONE_CONFIG>`,
          headers: { 'user-agent': 'FileTransport PolycomVVX-VVX_400-UA/6.4.1.2280 Type/Application', 'content-type': 'text/xml' },
        });
      for (let n = 1; n <= 6; n++) expect((await upload(POLY_A, n)).statusCode).toBe(204);
      for (let n = 1; n <= 5; n++) expect((await upload(POLY_B, n)).statusCode).toBe(204);
      const deadline = Date.now() + 10_000;
      const bytes = () => one('SELECT sum(octet_length(body)) AS b FROM overrides');
      while (Date.now() < deadline && (await bytes()) > CAPS.overrideMb * 1024 * 1024) await new Promise((r) => setTimeout(r, 200));
      expect(await bytes()).toBeLessThanOrEqual(CAPS.overrideMb * 1024 * 1024);
      const a = await runtime.store.overrides(parseMac(POLY_A)!);
      const b = await runtime.store.overrides(parseMac(POLY_B)!);
      expect(a.length + b.length).toBeLessThanOrEqual(3);
      expect(b.length).toBeGreaterThan(0);
      expect(b[0]!.body).toContain('up.backlight.idleIntensity="5"');
      expect(await count('overrides')).toBeLessThanOrEqual(CAPS.overridesPerDevice * 2);
    });
  });
}
