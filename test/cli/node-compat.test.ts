/**
 * ghostguard supports Node.js ≥ 20.18.1, where `require()` of an ES module throws (it works from 20.19). A dependency
 * that is ESM-only but required from CommonJS (cookie 2 through @fastify/cookie ≥ 11.1.1 and light-my-request ≥ 6.8)
 * loads here and breaks there. Newer Node.js can switch require(esm) off, which is how these tests see 20.18.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const FLAG = '--no-experimental-require-module';
const canEmulate = process.allowedNodeEnvironmentFlags.has(FLAG);

const node = (args: string[], cwd = ROOT) =>
  spawnSync(process.execPath, [FLAG, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NODE_OPTIONS: '' } });

describe.skipIf(!canEmulate)('without require(esm), as on Node.js 20.18', () => {
  it('the demo serves, boots the lab and audits it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gg-compat-'));
    const run = node(
      [join(ROOT, 'bin/ghostguard.mjs'), 'demo', '--phones', '6', '--factory', '3', '--dir', 'demo', '--base-ip', '127.0.63.1'],
      dir,
    );
    expect(run.stderr).not.toContain('ERR_REQUIRE_ESM');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("audit verdicts match the lab's ground truth for 6/6");
  }, 60_000);

  it("fastify's inject and the dashboard's cookie plugin load and round-trip a cookie", () => {
    const script = `
      const fastify = require('fastify')();
      fastify.register(require('@fastify/cookie'));
      fastify.get('/', (request, reply) => reply.setCookie('session', 'abc', { httpOnly: true }).send('ok'));
      fastify.inject('/').then((res) => { console.log(JSON.stringify(res.cookies)); return fastify.close(); });`;
    const run = node(['-e', script]);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual([expect.objectContaining({ name: 'session', value: 'abc', httpOnly: true })]);
  });
});
