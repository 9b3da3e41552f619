/** `ghostguard serve` with schedules: the summary line, a generated webhook secret, and a loud refusal of an unset one. */
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

function workspace(schedules: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gg-sched-serve-'));
  writeFileSync(
    join(dir, 'gg.yaml'),
    [
      'server:',
      `  dataDir: ${join(dir, 'data')}`,
      '  port: 0',
      '  adminPort: 0',
      'sites:',
      '  hq: { registrar: 127.0.0.10 }',
      'devices: []',
      schedules,
    ].join('\n'),
  );
  return dir;
}

async function serve(dir: string, env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    env: { GHOSTGUARD_ADMIN_PASSWORD: 'serve-schedule-Pa55word', ...env },
    cwd: dir,
    isTty: false,
  };
  const code = await main(['serve', '--config', join(dir, 'gg.yaml'), '--host', '127.0.0.1', '--duration', '1'], io);
  return { code, out, err };
}

describe('ghostguard serve with schedules:', () => {
  it('prints one summary line; a generated secret is kept in the data directory (0600) and never printed', async () => {
    const dir = workspace(
      [
        'schedules:',
        '  - { name: nightly, targets: [127.0.94.1-3], every: 1d, webhook: { url: "https://127.0.0.1:9/hooks/T0/B0/token123", secret: generate } }',
        '  - { name: quarter, targets: "127.0.94.10 127.0.94.11", every: 15m }',
      ].join('\n'),
    );
    const r = await serve(dir);
    expect(r.code).toBe(0);
    const file = join(dir, 'data', 'webhook-nightly.secret');
    const line = r.out.split('\n').find((l) => l.startsWith('  schedules: '));
    expect(line).toBe(
      `  schedules: nightly every 1d on 127.0.94.1-3, webhook https://127.0.0.1:9/… (secret in ${file}); quarter every 15m on 127.0.94.10 127.0.94.11, log only`,
    );
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const secret = readFileSync(file, 'utf8').trim();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(r.out + r.err).not.toContain(secret);
    expect(r.out + r.err).not.toContain('token123');
    // the same secret on the next start
    await serve(dir);
    expect(readFileSync(file, 'utf8').trim()).toBe(secret);
  });

  it("refuses to start when a webhook secret's environment variable is unset", async () => {
    const dir = workspace(
      'schedules:\n  - { name: hooked, targets: [127.0.94.1], every: 1h, webhook: { url: "http://127.0.0.1:9/", secret: env:GG_HOOK } }',
    );
    const r = await serve(dir);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      'error GG_ERR_CONFIG_INVALID: the configuration has errors\n  schedules[0] (hooked): webhook.secret: environment variable GG_HOOK is not set\n',
    );
    const ok = await serve(dir, { GG_HOOK: 'a-long-enough-webhook-secret' });
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('  schedules: hooked every 1h on 127.0.94.1, webhook http://127.0.0.1:9/\n');
  });
});
