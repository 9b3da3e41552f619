/**
 * Durability before serving, through `ghostguard serve` as a process: a phone enrols (its window closes, pinned to its
 * address), the server is SIGKILLed the moment the file arrives, and after the restart the window is still closed — a
 * thief from another address gets 401, not the secrets the crash would otherwise have handed out again. Likewise a
 * rotation: a file served with the new credentials is never followed, after a crash, by a server that forgot them.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { GRANDSTREAM_UA } from '../helpers/flood-scenario.js';
import { fleetYaml } from '../helpers/runtime.js';
import { restartServe, startServe, type ServeProcess } from '../helpers/serve-process.js';

const HOST = '127.136.0.2';
const PORT = 21361;
const MAC = '000b82360001';
const PHONE = '127.136.4.10';
const THIEF = '127.136.5.66';
const running: ServeProcess[] = [];

afterAll(async () => {
  for (const s of running) await s.stop();
});

async function fetchDeviceFile(source: string): Promise<{ status: number; body: string }> {
  const client = new Client(`https://${HOST}:${PORT}`, { localAddress: source, connect: { rejectUnauthorized: false } });
  try {
    const res = await client.request({ method: 'GET', path: `/cfg${MAC}.xml`, headers: { 'user-agent': GRANDSTREAM_UA(MAC) } });
    return { status: res.statusCode, body: await res.body.text() };
  } finally {
    await client.destroy();
  }
}

const kill9 = async (serve: ServeProcess) => {
  serve.child.kill('SIGKILL');
  await new Promise((r) => (serve.child.exitCode !== null || serve.child.signalCode !== null ? r(null) : serve.child.once('exit', r)));
};

describe('state changes are durable before the file that depends on them is served', () => {
  it('an enrolment closed by a served file stays closed after kill -9; a rotation survives it too', { timeout: 90_000 }, async () => {
    const yaml = fleetYaml([{ mac: MAC.match(/../g)!.join(':'), vendor: 'grandstream', model: 'GXP2140' }]).replace(
      'server:\n',
      `server:\n  host: ${HOST}\n`,
    );
    const first = await startServe(yaml, PORT, ['--duration', '120']);
    running.push(first);
    const enrolled = await fetchDeviceFile(PHONE);
    expect(enrolled.status).toBe(200);
    await kill9(first);

    const second = await restartServe(first, ['--duration', '120']);
    running.push(second);
    const stolen = await fetchDeviceFile(THIEF);
    expect(stolen.status).toBe(401);
    expect(stolen.body).not.toContain('<config');

    // a rotation and a new window from the CLI; the phone fetches the file carrying the new credentials, then the crash
    const cli = (...args: string[]) =>
      promisify(execFile)(process.execPath, [join(import.meta.dirname, '../../bin/ghostguard.mjs'), ...args, '--config', second.path], {
        cwd: second.dir,
      });
    await cli('rotate', MAC);
    await cli('enroll', MAC);
    await new Promise((r) => setTimeout(r, 400));
    const rotated = await fetchDeviceFile(PHONE);
    expect(rotated.status).toBe(200);
    expect(rotated.body).not.toBe(enrolled.body);
    await kill9(second);
    // what the state left by the crash would serve that phone: the credentials it was given
    const after = await cli('render', MAC, '--reveal', '--ua', GRANDSTREAM_UA(MAC));
    expect(after.stdout).toBe(rotated.body);
  });
});
