/**
 * Hostile: a Digest header captured and already used is refused after a restart, over real HTTPS from 127.123.11.x, on
 * both state backends. On SQLite the nonce-counts that refuse a replay live in memory, so nonces from before the
 * restart are stale; on PostgreSQL the claimed counts are in the database, so the restarted replica (like any other)
 * refuses the header as a replay.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Runtime } from '../../src/app/runtime.js';
import { parseMac } from '../../src/model/mac.js';
import { VENDORS } from '../../vendors/index.js';
import { digestHeader, nonceFrom } from '../helpers/digest-client.js';
import { socketTransport } from '../helpers/phone-transport.js';
import { fleetYaml, writeTempConfig } from '../helpers/runtime.js';
import { storeBackends, withStore } from '../helpers/store-backends.js';

const MAC = '00:15:65:00:0b:01';
const UA = `Yealink SIP-T46U 108.86.0.45 ${MAC}`;

for (const backend of storeBackends())
  describe.skipIf(backend.missing)(`nonces across a restart, state in ${backend.name}${backend.note}`, () => {
    const open: Runtime[] = [];
    afterAll(async () => {
      for (const r of open) await r.close().catch(() => {});
      await backend.stop();
    });

    it('a used Digest header replayed to the restarted server is refused (401), and the phone gets in again', async () => {
      const { dir, path } = writeTempConfig(withStore(fleetYaml([{ mac: MAC, vendor: 'yealink', model: 'T46U' }]), await backend.target()));
      const start = () => Runtime.create({ configPath: path, vendors: VENDORS, dataDir: join(dir, 'data'), env: {} });
      const mac = parseMac(MAC)!;
      const url = `/${mac}.cfg`;
      const first = await start();
      open.push(first);
      await first.store.closeEnrolment(mac, undefined, new Date(Date.now() - 3600_000));
      const t1 = socketTransport();
      await t1.started(first);
      const inv = first.config.inventory;
      const send = (t: typeof t1, r: Runtime, authorization?: string) =>
        t.send(r, '127.123.11.1', { method: 'GET', url, headers: { 'user-agent': UA, ...(authorization ? { authorization } : {}) } });
      const challenge = await send(t1, first);
      const captured = digestHeader(
        inv.provisioningUsername(mac),
        inv.provisioningPassword(mac, 0),
        'GET',
        url,
        nonceFrom(challenge.headers['www-authenticate']),
      );
      expect((await send(t1, first, captured)).statusCode).toBe(200);
      expect((await send(t1, first, captured)).statusCode).toBe(401);
      await t1.close(first);
      await first.close();
      open.pop();

      const second = await start();
      open.push(second);
      const t2 = socketTransport();
      await t2.started(second);
      const replay = await send(t2, second, captured);
      expect(replay.statusCode).toBe(401);
      if (backend.name === 'SQLite') expect(String(replay.headers['www-authenticate'])).toContain('stale=true');
      else await expect.poll(async () => (await second.store.events({ reason: 'replayed-nonce', mac })).length).toBe(1);
      const fresh = await send(t2, second);
      const inv2 = second.config.inventory;
      const auth = digestHeader(
        inv2.provisioningUsername(mac),
        inv2.provisioningPassword(mac, 0),
        'GET',
        url,
        nonceFrom(fresh.headers['www-authenticate']),
      );
      expect((await send(t2, second, auth)).statusCode).toBe(200);
      await t2.close(second);
    });
  });
