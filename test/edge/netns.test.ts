/**
 * The generated rules applied for real, in two network namespaces this test creates (and deletes):
 *
 *   ns "client" (198.18.0.2 trusted, 198.18.0.3 untrusted) ── veth ── ns "phone" (198.18.0.1, UDP+TCP listener on 5060)
 *
 * 198.18.0.0/15 (RFC 2544 benchmarking) exists only inside these namespaces. The phone namespace gets the
 * `--chain input` rule set from `ghostguard edge`; SIP OPTIONS from the trusted address must arrive, from the
 * untrusted one must not, and a flood from the trusted address must be cut to the rate with every packet
 * accounted for (arrived, or counted as over the rate). Skipped, with the reason, only when the kernel or the
 * user's privileges refuse `ip netns add`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { findTool } from './tools.js';

const PHONE = '198.18.0.1';
const TRUSTED = '198.18.0.2';
const UNTRUSTED = '198.18.0.3';
const tag = `gg-edge-${process.pid}`;
const NS_PHONE = `${tag}-phone`;
const NS_CLIENT = `${tag}-client`;
const dir = mkdtempSync(join(tmpdir(), 'gg-edge-netns-'));
const ip = findTool('ip');
const nft = findTool('nft');
const iptablesRestore = findTool('iptables-restore');

const LISTENER = `
import dgram from 'node:dgram';
import net from 'node:net';
const [addr, port] = process.argv.slice(2);
const say = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
const udp = dgram.createSocket('udp4');
udp.on('message', (m, r) => say({ proto: 'udp', from: r.address, callId: /^Call-ID: (.*)$/m.exec(m.toString())?.[1]?.trim() }));
const tcp = net.createServer((s) => { say({ proto: 'tcp', from: s.remoteAddress }); s.end(); });
udp.bind(Number(port), addr, () => tcp.listen(Number(port), addr, () => say({ ready: true })));
`;

const SENDER = `
import dgram from 'node:dgram';
const [from, to, port, count, id] = process.argv.slice(2);
const sock = dgram.createSocket('udp4');
sock.bind(0, from, async () => {
  for (let i = 0; i < Number(count); i++) {
    const msg = ['OPTIONS sip:100@' + to + ' SIP/2.0', 'Via: SIP/2.0/UDP ' + from + ';branch=z9hG4bK' + id + i,
      'From: <sip:scanner@' + from + '>;tag=' + i, 'To: <sip:100@' + to + '>', 'Call-ID: ' + id + '-' + i, 'CSeq: 1 OPTIONS',
      'Max-Forwards: 70', 'Content-Length: 0', '', ''].join('\\r\\n');
    await new Promise((res, rej) => sock.send(msg, Number(port), to, (e) => (e ? rej(e) : res())));
  }
  sock.close();
});
`;

const CONNECT = `
import net from 'node:net';
const [from, to, port, ms] = process.argv.slice(2);
const s = net.connect({ host: to, port: Number(port), localAddress: from });
const t = setTimeout(() => { process.stdout.write('timeout'); s.destroy(); }, Number(ms));
s.on('connect', () => { clearTimeout(t); process.stdout.write('connected'); s.destroy(); });
s.on('error', (e) => { clearTimeout(t); process.stdout.write('error:' + e.code); });
`;

for (const [name, body] of [
  ['listener.mjs', LISTENER],
  ['send.mjs', SENDER],
  ['connect.mjs', CONNECT],
] as const)
  writeFileSync(join(dir, name), body);
writeFileSync(
  join(dir, 'gg.yaml'),
  `server:\n  dataDir: ${join(dir, 'data')}\nsites:\n  lab:\n    registrar: ${TRUSTED}\n    transport: udp\n`,
);

const created: string[] = [];
let listener: ChildProcess | undefined;
const heard: { proto: string; from: string; callId?: string }[] = [];
let skipReason: string | undefined;

function sh(args: string[], ns?: string): string {
  const argv = ns ? ['netns', 'exec', ns, ...args] : args;
  const r = spawnSync(ns ? ip! : args[0]!, ns ? argv : args.slice(1), { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`${(ns ? ['ip', ...argv] : args).join(' ')} failed: ${r.stderr || r.error}`);
  return r.stdout;
}

async function generate(format: string, file: string): Promise<string> {
  let err = '';
  const io: CliIo = { out: () => {}, err: (t) => void (err += t), env: {}, cwd: dir, isTty: false };
  const code = await main(
    ['edge', '-c', 'gg.yaml', '--site', 'lab', '--format', format, '--chain', 'input', '--rate', '5', '--output', file],
    io,
  );
  if (code !== 0) throw new Error(`ghostguard edge exited ${code}: ${err}`);
  return join(dir, file);
}

function sendUdp(from: string, count: number, id: string): void {
  sh([process.execPath, join(dir, 'send.mjs'), from, PHONE, '5060', String(count), id], NS_CLIENT);
}

function tcpConnect(from: string): string {
  return sh([process.execPath, join(dir, 'connect.mjs'), from, PHONE, '5060', '1500'], NS_CLIENT);
}

/** the sources whose datagrams of this batch arrived, after the wire had time to deliver them */
async function arrived(id: string): Promise<string[]> {
  await new Promise((r) => setTimeout(r, 300));
  return heard.filter((h) => h.proto === 'udp' && h.callId?.startsWith(`${id}-`)).map((h) => h.from);
}

const nftCounter = (name: string) =>
  Number(/packets (\d+)/.exec(sh(['nft', 'list', 'counter', 'inet', 'ghostguard_lab', name], NS_PHONE))?.[1]);

beforeAll(async () => {
  if (!ip) {
    skipReason = 'iproute2 (ip) is not installed';
    return;
  }
  const add = spawnSync(ip, ['netns', 'add', NS_PHONE], { encoding: 'utf8' });
  if (add.status !== 0) {
    skipReason = `the kernel or our privileges refuse network namespaces: ip netns add: ${(add.stderr || String(add.error)).trim()}`;
    return;
  }
  created.push(NS_PHONE);
  sh([ip, 'netns', 'add', NS_CLIENT]);
  created.push(NS_CLIENT);
  sh([ip, '-n', NS_PHONE, 'link', 'add', 'gg0', 'type', 'veth', 'peer', 'name', 'gg1', 'netns', NS_CLIENT]);
  sh([ip, '-n', NS_PHONE, 'addr', 'add', `${PHONE}/24`, 'dev', 'gg0']);
  sh([ip, '-n', NS_CLIENT, 'addr', 'add', `${TRUSTED}/24`, 'dev', 'gg1']);
  sh([ip, '-n', NS_CLIENT, 'addr', 'add', `${UNTRUSTED}/24`, 'dev', 'gg1']);
  for (const [ns, dev] of [
    [NS_PHONE, 'gg0'],
    [NS_CLIENT, 'gg1'],
  ] as const) {
    sh([ip, '-n', ns, 'link', 'set', 'lo', 'up']);
    sh([ip, '-n', ns, 'link', 'set', dev, 'up']);
  }
  listener = spawn(ip, ['netns', 'exec', NS_PHONE, process.execPath, join(dir, 'listener.mjs'), PHONE, '5060'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buffer = '';
  let stderr = '';
  listener.stderr!.on('data', (d) => void (stderr += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`listener did not start: ${stderr}`)), 10_000);
    listener!.on('exit', (code) => reject(new Error(`listener exited ${code}: ${stderr}`)));
    listener!.stdout!.on('data', (d) => {
      buffer += d;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        if (msg.ready) {
          clearTimeout(timer);
          resolve();
        } else heard.push(msg);
      }
    });
  });
  // no rules yet: both sources reach the phone, so a later silence is the firewall's doing
  sendUdp(TRUSTED, 1, 'open');
  sendUdp(UNTRUSTED, 1, 'open');
  expect((await arrived('open')).sort()).toEqual([TRUSTED, UNTRUSTED]);
}, 60_000);

afterAll(() => {
  if (listener?.pid && listener.exitCode === null) listener.kill('SIGKILL');
  for (const ns of created.reverse()) spawnSync(ip!, ['netns', 'del', ns]);
});

describe('edge rules applied in a network namespace', () => {
  it('nftables: SIP from the trusted address is admitted, from the untrusted one dropped, trusted floods cut to the rate', async (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    if (!nft) ctx.skip('nft is not installed (Debian package nftables)');
    const file = await generate('nftables', 'lab.nft');
    sh(['nft', '-f', file], NS_PHONE);
    sh(['nft', '-f', file], NS_PHONE); // re-applying replaces the table, it does not add the rules twice
    expect(sh(['nft', 'list', 'tables'], NS_PHONE)).toContain('table inet ghostguard_lab');
    expect(sh(['nft', 'list', 'table', 'inet', 'ghostguard_lab'], NS_PHONE).match(/jump sip/g)).toHaveLength(2);

    sendUdp(TRUSTED, 1, 'nft-a');
    sendUdp(UNTRUSTED, 1, 'nft-a');
    expect(await arrived('nft-a')).toEqual([TRUSTED]);
    expect(nftCounter('untrusted_dropped')).toBe(1);

    expect(tcpConnect(TRUSTED)).toBe('connected');
    expect(tcpConnect(UNTRUSTED)).toBe('timeout');

    // --rate 5 → burst 10: 60 datagrams at once mostly exceed it; each one either arrived or was counted
    const before = nftCounter('trusted_over_rate');
    sendUdp(TRUSTED, 60, 'nft-flood');
    const flood = await arrived('nft-flood');
    const over = nftCounter('trusted_over_rate') - before;
    expect(flood.length).toBeGreaterThanOrEqual(1);
    expect(flood.length).toBeLessThanOrEqual(25);
    expect(flood.length + over).toBe(60);

    sh(['nft', 'delete', 'table', 'inet', 'ghostguard_lab'], NS_PHONE);
  });

  it('iptables: the same with iptables-restore --noflush', async (ctx) => {
    if (skipReason) ctx.skip(skipReason);
    if (!iptablesRestore) ctx.skip('iptables-restore is not installed (Debian package iptables)');
    sh(['iptables-restore', '--noflush', await generate('iptables', 'lab.ipt')], NS_PHONE);

    sendUdp(TRUSTED, 1, 'ipt-a');
    sendUdp(UNTRUSTED, 1, 'ipt-a');
    expect(await arrived('ipt-a')).toEqual([TRUSTED]);

    sendUdp(TRUSTED, 60, 'ipt-flood');
    const flood = await arrived('ipt-flood');
    const overRate = sh(['iptables', '-L', 'gg-sip-lab-ok', '-v', '-n', '-x'], NS_PHONE)
      .split('\n')
      .find((l) => l.includes('trusted, over rate'));
    expect(flood.length).toBeGreaterThanOrEqual(1);
    expect(flood.length).toBeLessThanOrEqual(25);
    expect(flood.length + Number(overRate?.trim().split(/\s+/)[0])).toBe(60);
  });
});
