/** Secrets at rest: after a served device file (HTTPS from 127.123.12.1) the data directory is 0700 and its files 0600. */
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Runtime } from '../../src/app/runtime.js';
import { VENDORS } from '../../vendors/index.js';
import { socketTransport } from '../helpers/phone-transport.js';
import { fleetYaml, writeTempConfig } from '../helpers/runtime.js';

const MAC = '00:15:65:00:0c:01';

describe('data directory at rest', () => {
  it('is owner-only: directory 0700; state.sqlite, -wal, -shm, events.jsonl, master.key 0600 (a world-readable leftover is tightened)', async () => {
    const { dir, path } = writeTempConfig(fleetYaml([{ mac: MAC, vendor: 'yealink', model: 'T46U' }]));
    const data = join(dir, 'data');
    mkdirSync(data, { mode: 0o755 });
    writeFileSync(join(data, 'events.jsonl'), '');
    chmodSync(join(data, 'events.jsonl'), 0o644);
    const runtime = await Runtime.create({ configPath: path, vendors: VENDORS, dataDir: data, env: {} });
    const transport = socketTransport();
    try {
      await transport.started(runtime);
      const res = await transport.send(runtime, '127.123.12.1', {
        method: 'GET',
        url: '/001565000c01.cfg',
        headers: { 'user-agent': `Yealink SIP-T46U 108.86.0.45 ${MAC}` },
      });
      expect(res.statusCode).toBe(200);
      await runtime.store.flush();
      const mode = (f: string) => (statSync(join(data, f)).mode & 0o777).toString(8);
      expect(mode('.')).toBe('700');
      for (const f of ['state.sqlite', 'state.sqlite-wal', 'state.sqlite-shm', 'events.jsonl', 'master.key'])
        expect(mode(f), f).toBe('600');
    } finally {
      await transport.close(runtime);
      await runtime.close();
    }
  });
});
