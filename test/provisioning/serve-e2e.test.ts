/** `ghostguard serve` as a real process on loopback: HTTPS to a phone's own address, reload on SIGHUP, clean stop. */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetYaml } from '../helpers/runtime.js';
import { startServe, type ServeProcess } from '../helpers/serve-process.js';

const ROOT = join(import.meta.dirname, '../..');
const PORT = 18443 + (process.pid % 500);
let serve: ServeProcess;

beforeAll(async () => {
  serve = await startServe(fleetYaml([{ mac: '00:15:65:00:00:51', vendor: 'yealink', model: 'T46U' }]), PORT);
});

afterAll(async () => {
  await serve.stop();
});

function phoneAgent(): Agent {
  const ca = readFileSync(join(serve.dir, 'data', 'tls-cert.pem'), 'utf8');
  return new Agent({ connect: { ca, localAddress: '127.0.7.51', servername: 'localhost' } });
}

const UA = 'Yealink SIP-T46U 108.86.0.45 00:15:65:00:00:51';

describe('ghostguard serve', () => {
  it('serves the device file over verified HTTPS to the enrolled phone from its own address', async () => {
    const dispatcher = phoneAgent();
    const res = await request(`https://127.0.0.1:${PORT}/001565000051.cfg`, { dispatcher, headers: { 'user-agent': UA } });
    const body = await res.body.text();
    expect(res.statusCode).toBe(200);
    expect(body).toContain('sip.trust_ctrl = 1');
    expect(body).toContain('static.auto_provision.server.username = gg001565000051');
    await dispatcher.close();
  });

  it('keeps serving the previous inventory when a reload finds errors, then picks up a fixed file', async () => {
    const good = readFileSync(serve.path, 'utf8');
    writeFileSync(serve.path, good.replace('registrar: 127.0.0.10', 'registrar: 127.0.0.10\n    bogus: ['));
    serve.child.kill('SIGHUP');
    const deadline = Date.now() + 10_000;
    while (!serve.output().includes('still serving the previous one') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(serve.output()).toMatch(/configuration invalid, still serving the previous one:\n.*ghostguard\.yaml:\d+/);
    const dispatcher = phoneAgent();
    const res = await request(`https://127.0.0.1:${PORT}/y000000000108.cfg`, { dispatcher, headers: { 'user-agent': UA } });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    writeFileSync(serve.path, good);
    serve.child.kill('SIGHUP');
    while (!serve.output().includes('configuration reloaded') && Date.now() < deadline + 10_000)
      await new Promise((r) => setTimeout(r, 100));
    expect(serve.output()).toContain('configuration reloaded');
    await dispatcher.close();
  });

  it('exits with an error, not a hung process, when one of its ports is taken', async () => {
    // its HTTPS port is free, its plain-HTTP port is the first server's: the listener that did start must not keep it alive
    const other = join(serve.dir, 'second.yaml');
    writeFileSync(
      other,
      readFileSync(serve.path, 'utf8')
        .replace(`port: ${PORT}\n`, `port: ${PORT + 1}\n  plainPort: ${PORT}\n`)
        .replace(join(serve.dir, 'data'), join(serve.dir, 'data2')),
    );
    const second = spawn(process.execPath, [join(ROOT, 'bin/ghostguard.mjs'), 'serve', '--config', other, '--duration', '60'], {
      cwd: serve.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let said = '';
    second.stderr!.on('data', (d) => (said += d));
    const timer = setTimeout(() => second.kill('SIGKILL'), 20_000);
    const code = await new Promise((r) => second.once('exit', (c, signal) => r(signal ?? c)));
    clearTimeout(timer);
    expect(code).not.toBe('SIGKILL');
    expect(code).not.toBe(0);
    expect(said).toContain('EADDRINUSE');
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await serve.stop()).toBe(0);
    expect(serve.output()).toContain('stopped');
  });
});
