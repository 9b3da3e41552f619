/**
 * Hostile: enrolment limited to the site's phone networks (`sites.<name>.networks`), over real HTTPS from 127.136.x
 * source addresses. A MAC claim from outside the site's networks never enrols — the same 401 as any refusal, a high
 * `enrolment-off-site` event, and the window stays open for the real phone — and `validate` names a bad network entry
 * with its file and line.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/app/runtime.js';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { parseMac } from '../../src/model/mac.js';
import { socketTransport } from '../helpers/phone-transport.js';
import { fleetYaml, startRuntime } from '../helpers/runtime.js';

const MAC = '00:15:65:00:36:01';
const UA = `Yealink SIP-T46U 108.86.0.45 ${MAC}`;
const OUTSIDE = '127.136.2.66';
const INSIDE = '127.136.1.10';
const SITE_NETWORKS = '    networks: [127.136.1.0/24, "127.136.3.1-127.136.3.9"]';
const yaml = fleetYaml([{ mac: MAC, vendor: 'yealink', model: 'T46U' }]).replace(
  '    outboundProxy: 127.0.0.11',
  `    outboundProxy: 127.0.0.11\n${SITE_NETWORKS}`,
);
const transport = socketTransport();
let runtime: Runtime;

beforeAll(async () => {
  ({ runtime } = await startRuntime(yaml));
  await transport.started(runtime);
});

afterAll(async () => {
  await transport.close(runtime);
  await runtime.close();
});

const get = (address: string) =>
  transport.send(runtime, address, { method: 'GET', url: `/${parseMac(MAC)}.cfg`, headers: { 'user-agent': UA } });

describe('enrolment limited to the site networks', () => {
  it('a claim from outside the networks gets the usual 401 and an enrolment-off-site event; the phone inside then enrols', async () => {
    const mac = parseMac(MAC)!;
    const refused = await get(OUTSIDE);
    expect(refused.statusCode).toBe(401);
    expect(refused.body).toBe('Unauthorized\n');
    expect(refused.body).not.toContain('auth_name');
    expect(await runtime.store.events({ reason: 'enrolment-off-site', mac })).toEqual([
      expect.objectContaining({ severity: 'high', source: OUTSIDE, detail: UA }),
    ]);
    expect((await runtime.store.enrolment(mac))?.closedAt).toBeUndefined();
    expect(await runtime.store.fetchHistory(mac)).toEqual([]);

    const enrolled = await get(INSIDE);
    expect(enrolled.statusCode).toBe(200);
    expect(await runtime.store.enrolment(mac)).toMatchObject({ pinnedSource: INSIDE });
  });
});

function run(args: string[], cwd: string) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, cwd, isTty: false };
  return main(args, io).then((code) => ({ code, out, err }));
}

describe('validate checks the site networks', () => {
  it('accepts addresses, CIDRs and ranges; names the file and line of a bad entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gg-networks-'));
    writeFileSync(join(dir, 'good.yaml'), yaml);
    expect((await run(['validate', '-c', 'good.yaml'], dir)).code).toBe(0);
    const bad = yaml.replace(SITE_NETWORKS, '    networks:\n      - 127.136.1.0/24\n      - 127.136.1.0/40\n      - phones.example.net');
    writeFileSync(join(dir, 'bad.yaml'), bad);
    const line = bad.split('\n').indexOf('      - 127.136.1.0/40') + 1;
    const result = await run(['validate', '-c', 'bad.yaml'], dir);
    expect(result.code).not.toBe(0);
    const said = result.out + result.err;
    expect(said).toMatch(new RegExp(`bad\\.yaml:${line}\\b.*127\\.136\\.1\\.0/40.*prefix length`));
    expect(said).toMatch(new RegExp(`bad\\.yaml:${line + 1}\\b.*phones\\.example\\.net`));
  });
});
