/**
 * server.stockFiles, through HTTPS as a Poly phone fetches: the SIP 3.x master lists the vendor's stock files after
 * ghostguard's own file, in the order of the vendor's default master (`CONFIG_FILES="phone1.cfg, sip.cfg"`, SoundPoint
 * IP admin guide; Wazo's SIP 3.2.4 master lists them after its per-phone file the same way), and the phone gets each
 * listed file. Stock files go to any phone without credentials, byte for byte, with ETags; a UC Software phone's master
 * lists none; a name no vendor declares is not served from the directory. The stock bodies are stand-ins written here.
 * This file's addresses: 127.147.2.x, the server on port 20147.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Runtime } from '../../src/app/runtime.js';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { parseMac } from '../../src/model/mac.js';
import { VENDORS } from '../../vendors/index.js';
import { fleetYaml } from '../helpers/runtime.js';

const HOST = '127.147.2.1';
const PORT = 20147;
const PHONE = '127.147.2.10';
const MAC = parseMac('00:04:f2:47:00:35')!;
/** captured User-Agents (test/fixtures/polycom-user-agents.json) */
const SIP3_UA = 'FileTransport PolycomSoundPointIP-SPIP_335-UA/3.2.1.0078';
const UCS_UA = 'FileTransport PolycomVVX-VVX_400-UA/4.1.4.7430 Type/Application';
const STOCK = {
  'sip.cfg': '<?xml version="1.0" standalone="yes"?>\n<!-- stand-in for the vendor sip.cfg -->\n<sip stand-in="1"/>\n',
  'phone1.cfg': '<?xml version="1.0" standalone="yes"?>\n<!-- stand-in for the vendor phone1.cfg -->\n<phone1 stand-in="1"/>\n',
  // not a name any vendor declares: never served from the directory
  'custom.cfg': '<custom secret="do-not-serve"/>\n',
};

let dir: string;
let runtime: Runtime;
let client: Client;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-stock-'));
  mkdirSync(join(dir, 'stock'));
  for (const [name, body] of Object.entries(STOCK)) writeFileSync(join(dir, 'stock', name), body);
  const yaml = fleetYaml([{ mac: '00:04:f2:47:00:35', vendor: 'polycom', model: 'SPIP_335' }]).replace(
    '  tls: auto\n',
    // relative to the config file's directory, like dataDir
    '  tls: auto\n  stockFiles: stock\n',
  );
  writeFileSync(join(dir, 'ghostguard.yaml'), yaml);
  runtime = await Runtime.create({ configPath: join(dir, 'ghostguard.yaml'), vendors: VENDORS, dataDir: join(dir, 'data'), env: {} });
  await runtime.listen(HOST, PORT);
  await runtime.store.openEnrolment(MAC, new Date(Date.now() + 3600_000));
  client = new Client(`https://${HOST}:${PORT}`, { localAddress: PHONE, connect: { rejectUnauthorized: false } });
});

afterAll(async () => {
  await client?.close();
  await runtime?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function get(path: string, ua: string, headers: Record<string, string> = {}) {
  const res = await client.request({ method: 'GET', path, headers: { 'user-agent': ua, ...headers } });
  return { status: res.statusCode, etag: res.headers.etag as string | undefined, body: await res.body.text() };
}

/** CONFIG_FILES of a master, with the phone's MAC put in (read with a regex, not the adapter's parser) */
function configFiles(master: string): string[] {
  const listed = /CONFIG_FILES="([^"]*)"/.exec(master)?.[1];
  if (listed === undefined) throw new Error(`no CONFIG_FILES in ${master}`);
  return listed.split(',').map((f) => f.trim().replace('[PHONE_MAC_ADDRESS]', MAC));
}

describe('vendor stock files (server.stockFiles)', () => {
  it('a SIP 3.x phone reads the master, then fetches every listed file: its own first, then phone1.cfg and sip.cfg as dropped', async () => {
    const master = await get('/000000000000.cfg', SIP3_UA);
    expect(master.status).toBe(200);
    expect(configFiles(master.body)).toEqual([`${MAC}-ghostguard.cfg`, 'phone1.cfg', 'sip.cfg']);
    // the per-phone master <mac>.cfg is the same shared body
    expect((await get(`/${MAC}.cfg`, SIP3_UA)).body).toBe(master.body);
    for (const name of configFiles(master.body)) {
      const file = await get(`/${name}`, SIP3_UA);
      expect(file.status, name).toBe(200);
      if (name in STOCK) expect(file.body).toBe(STOCK[name as keyof typeof STOCK]);
      else expect(file.body).toContain('device.prov.user');
    }
  });

  it('serves stock files without credentials, with an ETag the phone can revalidate', async () => {
    const first = await get('/sip.cfg', SIP3_UA);
    expect(first.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect((await get('/sip.cfg', SIP3_UA, { 'if-none-match': first.etag! })).status).toBe(304);
  });

  it('a UC Software phone keeps its defaults in firmware: its master lists no stock file', async () => {
    const master = await get('/000000000000.cfg', UCS_UA);
    expect(configFiles(master.body)).toEqual([`${MAC}-ghostguard.cfg`]);
  });

  it('never serves a file no vendor declares, even when it sits in the directory', async () => {
    expect((await get('/custom.cfg', SIP3_UA)).status).toBe(404);
  });
});

describe('validate: server.stockFiles', () => {
  it('names the line of a stockFiles directory that does not exist; serve would refuse to start on it', async () => {
    const yaml = fleetYaml([{ mac: '00:04:f2:47:00:36', vendor: 'polycom', model: 'SPIP_335' }]).replace(
      '  tls: auto\n',
      `  tls: auto\n  dataDir: ${join(dir, 'data2')}\n  stockFiles: no-such-dir\n`,
    );
    writeFileSync(join(dir, 'missing.yaml'), yaml);
    let err = '';
    const io: CliIo = { out: () => undefined, err: (t) => void (err += t), env: {}, cwd: dir, isTty: false };
    expect(await main(['validate', '--config', join(dir, 'missing.yaml')], io)).toBe(1);
    expect(err).toMatch(/missing\.yaml:5: server\.stockFiles: .*no-such-dir does not exist/);
    await expect(
      Runtime.create({ configPath: join(dir, 'missing.yaml'), vendors: VENDORS, dataDir: join(dir, 'data2'), env: {} }),
    ).rejects.toThrow(/server.stockFiles: cannot read/);
  });
});
