/** `ghostguard lab` end to end: write an inventory, serve it, boot a fleet against it over HTTPS. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { Runtime } from '../../src/app/runtime.js';
import { VENDORS } from '../../vendors/index.js';

function io(cwd: string) {
  const captured = { out: '', err: '' };
  const value: CliIo = { out: (t) => void (captured.out += t), err: (t) => void (captured.err += t), env: {}, cwd, isTty: false };
  return { io: value, captured };
}

describe('ghostguard lab', () => {
  it('writes an inventory for the planned fleet, then boots it against a server started on that inventory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gg-lab-cli-'));
    const a = io(dir);
    expect(await main(['lab', '--phones', '9', '--factory', '3', '--base-ip', '127.0.41.1', '--write-inventory', 'lab.yaml'], a.io)).toBe(
      0,
    );
    const yaml = readFileSync(join(dir, 'lab.yaml'), 'utf8');
    expect(yaml.match(/mac:/g)).toHaveLength(6);
    // the hint names the server command and the lab command with the certificate; only the port moves (8443 may be taken)
    const hint = a.captured.out.slice(a.captured.out.indexOf('next:'));
    expect(hint).toContain('ghostguard serve -c lab.yaml');
    const labArgs = /ghostguard lab (.*) {3}\(in another\)/.exec(hint)![1]!.split(' ');
    expect(labArgs).toContain('https://127.0.0.1:8443/');
    writeFileSync(join(dir, 'lab.yaml'), yaml.replaceAll('8443', '20133'));
    const runtime = await Runtime.create({ configPath: join(dir, 'lab.yaml'), vendors: VENDORS, env: {} });
    try {
      await runtime.listen();
      const b = io(dir);
      const code = await main(['lab', ...labArgs.map((x) => x.replace('8443', '20133')), '--duration', '0', '--json'], b.io);
      expect(code, b.captured.err + b.captured.out.slice(0, 500)).toBe(0);
      const manifest = JSON.parse(b.captured.out.slice(b.captured.out.indexOf('['), b.captured.out.lastIndexOf(']') + 1)) as {
        factory: boolean;
        provisioned: boolean;
        ip: string;
      }[];
      expect(manifest).toHaveLength(9);
      expect(manifest.filter((p) => p.provisioned).length).toBe(6);
      expect(manifest.every((p) => p.ip.startsWith('127.0.41.'))).toBe(true);
      expect(b.captured.out).toContain('all sockets closed');
    } finally {
      await runtime.close();
    }
  });

  it('refuses an https server without a certificate', async () => {
    const a = io(tmpdir());
    expect(await main(['lab', '--phones', '1', '--server', 'https://127.0.0.1:1/'], a.io)).toBe(2);
    expect(a.captured.err).toMatch(/GG_ERR_USAGE/);
  });
});
