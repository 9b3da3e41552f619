/**
 * `tls: auto` makes a certificate phones can verify wherever the server is: it names server.host and the publicUrl
 * host (plus loopback), and is made again when either changes. curl verifies it (--cacert, --resolve maps the
 * example.net names to 127.126.7.1: no DNS, nothing leaves loopback).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Runtime } from '../../src/app/runtime.js';
import { VENDORS } from '../../vendors/index.js';
import { fleetYaml, writeTempConfig } from '../helpers/runtime.js';
import { systemPeers } from '../helpers/system-peers.js';

const peers = systemPeers('curl');
const run = promisify(execFile);
const HOST = '127.126.7.1';
const PORT = 20131;
const UA = 'Yealink SIP-T46U 108.86.0.45 00:15:65:00:12:69';

const yaml = (publicHost: string) =>
  fleetYaml([{ mac: '00:15:65:00:12:69', vendor: 'yealink', model: 'T46U' }]).replace(
    '  publicUrl: https://127.0.0.1:8443/\n',
    `  publicUrl: https://${publicHost}:${PORT}/\n  host: ${HOST}\n`,
  );

/** curl with certificate verification against the server's own certificate; the exit code is 0 only if it verified */
async function verifiedFetch(ca: string, url: string, resolve?: string): Promise<string> {
  const args = ['-s', '--cacert', ca, '-A', UA, '-o', '/dev/null', '-w', '%{http_code}', ...(resolve ? ['--resolve', resolve] : []), url];
  return (await run(peers.path('curl'), args, { timeout: 20_000 })).stdout;
}

describe.skipIf(peers.missing)(`tls: auto certificate names${peers.note}`, () => {
  it('names server.host and the publicUrl host; a new publicUrl host makes a new certificate', async () => {
    const { dir, path } = writeTempConfig(yaml('prov.example.net'));
    const dataDir = join(dir, 'data');
    let runtime = await Runtime.create({ configPath: path, vendors: VENDORS, dataDir, env: {} });
    try {
      await runtime.listen(HOST, PORT);
      const ca = runtime.tls!.certPath;
      expect(await verifiedFetch(ca, `https://${HOST}:${PORT}/y000000000108.cfg`)).toBe('200');
      expect(await verifiedFetch(ca, `https://prov.example.net:${PORT}/y000000000108.cfg`, `prov.example.net:${PORT}:${HOST}`)).toBe('200');
      // a name the certificate does not carry fails verification (curl exit 60)
      await expect(
        verifiedFetch(ca, `https://phones.example.net:${PORT}/y000000000108.cfg`, `phones.example.net:${PORT}:${HOST}`),
      ).rejects.toMatchObject({ code: 60 });
    } finally {
      await runtime.close();
    }
    writeFileSync(path, yaml('phones.example.net'));
    runtime = await Runtime.create({ configPath: path, vendors: VENDORS, dataDir, env: {} });
    try {
      await runtime.listen(HOST, PORT);
      expect(
        await verifiedFetch(
          runtime.tls!.certPath,
          `https://phones.example.net:${PORT}/y000000000108.cfg`,
          `phones.example.net:${PORT}:${HOST}`,
        ),
      ).toBe('200');
    } finally {
      await runtime.close();
    }
  }, 60_000);
});
