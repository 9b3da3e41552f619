/** `server.proxyProtocol` in `validate`: the balancers' addresses, ranges and CIDRs are checked as written, nothing else. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { fleetYaml } from '../helpers/runtime.js';

async function validate(proxyProtocol: string) {
  const dir = mkdtempSync(join(tmpdir(), 'gg-proxy-config-'));
  const yaml = fleetYaml([{ mac: '00:15:65:00:42:11', vendor: 'yealink', model: 'T46U' }]).replace(
    'server:\n',
    `server:\n  dataDir: ${join(dir, 'data')}\n  proxyProtocol: ${proxyProtocol}\n`,
  );
  writeFileSync(join(dir, 'gg.yaml'), yaml);
  let err = '';
  const io: CliIo = { out: () => {}, err: (t) => void (err += t), env: {}, cwd: dir, isTty: false };
  return { code: await main(['validate', '-c', 'gg.yaml'], io), err };
}

describe('server.proxyProtocol in validate', () => {
  it('accepts addresses, ranges and CIDRs of the load balancers', async () => {
    const res = await validate('{ from: [127.142.0.9, 127.142.5.0/24, 127.142.6.1-127.142.6.9, "::1"] }');
    expect(res.err).toBe('');
    expect(res.code).toBe(0);
  });

  it('refuses a malformed network, a missing or empty list and an unknown key, naming the line', async () => {
    const bad = await validate('{ from: [127.142.0.300] }');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/gg\.yaml:\d+: server\.proxyProtocol\.from\[0\]: "127\.142\.0\.300"/);
    const missing = await validate('{}');
    expect(missing.err).toMatch(/server\.proxyProtocol\.from: is required/);
    const empty = await validate('{ from: [] }');
    expect(empty.err).toMatch(/server\.proxyProtocol\.from: give at least one address/);
    const unknown = await validate('{ from: [127.142.0.9], version: 2 }');
    expect(unknown.err).toMatch(/server\.proxyProtocol\.version/);
  });
});
