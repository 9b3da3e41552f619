/**
 * `serve --log` as a real process: readable lines for a phone's fetches, its enrolment, a refusal, a ban and a reload;
 * `--log json` the same as JSON lines. The phone is curl from 127.126.4.x; the server listens on 127.126.4.1.
 */
import { execFile } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { fleetYaml } from '../helpers/runtime.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';
import { systemPeers } from '../helpers/system-peers.js';

const peers = systemPeers('curl');
const run = promisify(execFile);
const UA = 'Yealink SIP-T46U 108.86.0.45 00:15:65:00:12:64';
const yaml = fleetYaml([{ mac: '00:15:65:00:12:64', vendor: 'yealink', model: 'T46U' }]).replace(
  'server:\n',
  'server:\n  host: 127.126.4.1\n',
);

let serve: ServeProcess | undefined;
afterEach(async () => {
  await serve?.stop();
  serve = undefined;
});

async function get(port: number, from: string, file: string): Promise<string> {
  const { stdout } = await run(
    peers.path('curl'),
    ['-sk', '--interface', from, '-A', UA, '-o', '/dev/null', '-w', '%{http_code}', `https://127.126.4.1:${port}/${file}`],
    { timeout: 20_000 },
  );
  return stdout;
}

async function until(what: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
}

describe.skipIf(peers.missing)(`serve --log${peers.note}`, () => {
  it('readable lines: fetches, the enrolment, a canary refusal, a reload', async () => {
    const port = 20126;
    serve = await startServe(yaml, port, ['--log']);
    expect(await get(port, '127.126.4.10', 'y000000000108.cfg')).toBe('200');
    expect(await get(port, '127.126.4.10', '001565001264.cfg')).toBe('200');
    expect(await get(port, '127.126.4.20', '001565dead01.cfg')).toBe('401');
    appendFileSync(serve.path, '\n# touched\n');
    serve.child.kill('SIGHUP');
    await until(() => /reload {3}configuration reloaded/.test(serve!.output()));
    const out = serve.output();
    expect(out).toMatch(/^\S+ \S+ enrolled 001565001264 001565001264\.cfg from 127\.126\.4\.10(: .*)?$/m);
    expect(out).toMatch(/^\S+ \S+ fetch {4}200 001565001264 001565001264\.cfg from 127\.126\.4\.10 \(enrolment\)$/m);
    expect(out).toMatch(/^\S+ \S+ event {4}critical canary 001565dead01 001565dead01\.cfg from 127\.126\.4\.20/m);
    expect(out).toMatch(/^\S+ \S+ reload {3}configuration reloaded \(1 devices\)$/m);
    expect(out).not.toMatch(/^\{/m);
  }, 60_000);

  it('--log json: one JSON object per line, with its kind', async () => {
    const port = 20127;
    serve = await startServe(yaml, port, ['--log', 'json']);
    expect(await get(port, '127.126.4.11', '001565001264.cfg')).toBe('200');
    await until(() => serve!.output().includes('"kind":"fetch"'));
    const fetch = serve
      .output()
      .split('\n')
      .filter((l) => l.includes('"kind":"fetch"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(fetch[0]).toMatchObject({
      kind: 'fetch',
      mac: '001565001264',
      source: '127.126.4.11',
      file: '001565001264.cfg',
      status: 200,
      auth: 'enrolment',
    });
  }, 60_000);
});
