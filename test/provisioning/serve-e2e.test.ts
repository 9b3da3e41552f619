/** `ghostguard serve` as a real process on loopback: HTTPS to a phone's own address, reload on SIGHUP, clean stop. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetYaml, writeTempConfig } from '../helpers/runtime.js';

const ROOT = join(import.meta.dirname, '../..');
const PORT = 18443 + (process.pid % 500);
let child: ChildProcess;
let dir: string;
let path: string;
let output = '';

beforeAll(async () => {
  ({ dir, path } = writeTempConfig(fleetYaml([{ mac: '00:15:65:00:00:51', vendor: 'yealink', model: 'T46U' }])
    .replace('server:\n', `server:\n  dataDir: ${join('DATA_DIR')}\n  port: ${PORT}\n  adminPort: 0\n`)));
  writeFileSync(path, readFileSync(path, 'utf8').replace('DATA_DIR', join(dir, 'data')));
  child = spawn(process.execPath, [join(ROOT, 'bin/ghostguard.mjs'), 'serve', '--config', path, '--duration', '60'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 20_000;
  while (!output.includes('phones:') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(output).toContain('phones:');
});

afterAll(async () => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
});

function phoneAgent(): Agent {
  const ca = readFileSync(join(dir, 'data', 'tls-cert.pem'), 'utf8');
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
    const good = readFileSync(path, 'utf8');
    writeFileSync(path, good.replace('registrar: 127.0.0.10', 'registrar: 127.0.0.10\n    bogus: [') );
    child.kill('SIGHUP');
    const deadline = Date.now() + 10_000;
    while (!output.includes('still serving the previous one') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(output).toMatch(/configuration invalid, still serving the previous one:\n.*ghostguard\.yaml:\d+/);
    const dispatcher = phoneAgent();
    const res = await request(`https://127.0.0.1:${PORT}/y000000000108.cfg`, { dispatcher, headers: { 'user-agent': UA } });
    expect(res.statusCode).toBe(200);
    await res.body.text();
    writeFileSync(path, good);
    child.kill('SIGHUP');
    while (!output.includes('configuration reloaded') && Date.now() < deadline + 10_000) await new Promise((r) => setTimeout(r, 100));
    expect(output).toContain('configuration reloaded');
    await dispatcher.close();
  });

  it('exits with an error, not a hung process, when one of its ports is taken', async () => {
    // its HTTPS port is free, its plain-HTTP port is the first server's: the listener that did start must not keep it alive
    const other = join(dir, 'second.yaml');
    writeFileSync(other, readFileSync(path, 'utf8').replace(`port: ${PORT}\n`, `port: ${PORT + 1}\n  plainPort: ${PORT}\n`).replace(join(dir, 'data'), join(dir, 'data2')));
    const second = spawn(process.execPath, [join(ROOT, 'bin/ghostguard.mjs'), 'serve', '--config', other, '--duration', '60'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
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
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
    expect(output).toContain('stopped');
  });
});
