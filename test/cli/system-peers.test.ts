/**
 * `npm test` on a machine with only Node: a test needing a missing system peer is skipped with one line naming the
 * Debian package, and under CI=true the same absence fails the run. GG_HIDE_PEERS makes chromium look absent; the
 * browser test is the subject (its lab never starts when skipped, so this stays quick).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const VITEST = join(ROOT, 'node_modules/vitest/vitest.mjs');

function vitestWithout(peer: string, ci: string) {
  const env = { ...process.env, GG_HIDE_PEERS: peer, CI: ci, NO_COLOR: '1', FORCE_COLOR: '0' };
  const r = spawnSync(process.execPath, [VITEST, 'run', 'test/dashboard/browser.test.ts'], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 90_000,
  });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('system peers', () => {
  it('a missing chromium skips the browser test with one line naming the package, and the run passes', () => {
    const r = vitestWithout('chromium', '');
    expect(r.output.match(/^skipped test\/dashboard\/browser\.test\.ts: needs chromium \(apt-get install chromium\)$/gm)).toHaveLength(1);
    expect(r.output).toMatch(/Tests\s+\d+ skipped/);
    expect(r.status).toBe(0);
  }, 100_000);

  it('under CI=true the same absence fails the run, naming the package', () => {
    const r = vitestWithout('chromium', 'true');
    expect(r.output).toContain(
      'CI=true and a system peer is missing: test/dashboard/browser.test.ts needs chromium (apt-get install chromium)',
    );
    expect(r.status).not.toBe(0);
  }, 100_000);
});
