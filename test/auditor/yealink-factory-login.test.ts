/**
 * The Yealink factory web login (admin/admin, from Yealink's user manuals) is tried like the other vendors' factory
 * logins, through the adapter's own data: an emulated factory Yealink is flagged by `audit`, and --no-default-login
 * leaves the finding unknown. This file's range: 127.122.6.0/24.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { EmulatedPhone } from '../../src/lab/phone.js';
import type { Mac } from '../../src/model/mac.js';
import { VENDORS } from '../../vendors/index.js';

const IP = '127.122.6.10';
const HTTP = 28090;
let phone: EmulatedPhone;
/** the CLI's working directory: the bundled example's data directory lands here, not in the checkout */
const workDir = mkdtempSync(join(tmpdir(), 'gg-yealink-login-'));

beforeAll(async () => {
  phone = new EmulatedPhone(
    {
      vendor: 'yealink',
      model: 'T46U',
      firmware: '108.86.0.45',
      mac: '805ec0122610' as Mac,
      ip: IP,
      factory: true,
      httpPort: HTTP,
      httpsPort: 28453,
      presets: [{ fileName: 'local.cfg', body: '#!version:1.0.0.1\nsip.listen_port = 25080\n' }],
    },
    VENDORS.find((v) => v.id === 'yealink')!,
  );
  await phone.start();
});
afterAll(async () => {
  await phone?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

async function adminFinding(extra: string[]): Promise<{ state: string; evidence: string[]; reason?: string }> {
  let out = '';
  const io: CliIo = { out: (t) => void (out += t), err: () => undefined, env: {}, cwd: workDir, isTty: false };
  await main(
    [
      'audit',
      IP,
      '--example',
      '--json',
      '--no-store',
      '--sip-ports',
      '25080',
      '--http-ports',
      String(HTTP),
      '--https-ports',
      '28453',
      '--snmp-port',
      '21171',
      '--timeout',
      '400',
      '--retries',
      '0',
      '--allow',
      '127.122.6.0/24',
      ...extra,
    ],
    io,
  );
  return JSON.parse(out).hosts[0].findings.find((f: { check: string }) => f.check === 'admin-password-set');
}

describe('Yealink factory web login', () => {
  it('a factory Yealink accepts admin/admin: admin-password-set fails, naming the login', async () => {
    expect(phone.manifest().expect.defaultAdminPassword).toBe(true);
    const f = await adminFinding([]);
    expect(f.state).toBe('fail');
    expect(f.evidence.join('\n')).toMatch(/factory default login was accepted \(Yealink factory web login admin\/admin\)/);
  }, 30_000);

  it('--no-default-login: not tried, so unknown', async () => {
    const f = await adminFinding(['--no-default-login']);
    expect(f.state).toBe('unknown');
  }, 30_000);
});
