/**
 * SNMP as a new user meets it, against Debian's real snmpd (throwaway config on a loopback address, non-default port):
 * every community that answers is reported, each with whether it can write — decided by setting sysLocation.0 to the
 * value just read, only when active probes are allowed, and checked unchanged with net-snmp's own `snmpget` — and an
 * SNMP-only host is identified by model and firmware from its sysDescr. This file's range: 127.122.8.0/24.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectedSnmpSessionFactory, probeSnmp } from '../../src/auditor/probes/snmp-probe.js';
import { openGate } from '../../src/auditor/scheduler.js';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { systemPeers } from '../helpers/system-peers.js';
import { startSnmpd, type Snmpd } from './helpers/snmpd.js';

const fixtures = JSON.parse(readFileSync(new URL('../fixtures/snmp-sysdescr.json', import.meta.url), 'utf8')) as Record<
  string,
  { sysDescr: string; model?: string; firmware?: string }
>;
const AGENT = '127.122.8.1';
const POLY = '127.122.8.2';
const PORT = 21161;
const peers = systemPeers('snmpd', 'snmpget');
const LOCATION = '1.3.6.1.2.1.1.6.0';

let agent: Snmpd;
let poly: Snmpd;
/** the CLI's working directory: the bundled example's data directory lands here, not in the checkout */
const workDir = mkdtempSync(join(tmpdir(), 'gg-snmp-communities-'));

beforeAll(async () => {
  if (peers.missing) return;
  agent = await startSnmpd(AGENT, fixtures.yealinkT46uProductString!.sysDescr, { port: PORT, community: 'public', readWrite: ['private'] });
  poly = await startSnmpd(POLY, fixtures.polycomVvx150ProductString!.sysDescr, { port: PORT, community: 'public' });
}, 30_000);

afterAll(async () => {
  await agent?.stop();
  await poly?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

const location = (): string =>
  execFileSync(peers.path('snmpget'), ['-v2c', '-c', 'public', '-Oqv', `${AGENT}:${PORT}`, LOCATION], {
    encoding: 'utf8',
    timeout: 5000,
  }).trim();

async function audit(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, cwd: workDir, isTty: false };
  const code = await main(
    [
      'audit',
      ...args,
      '--example',
      '--json',
      '--no-store',
      '--snmp-port',
      String(PORT),
      '--sip-ports',
      '25061',
      '--http-ports',
      '28081',
      '--https-ports',
      '28444',
      '--timeout',
      '300',
      '--retries',
      '0',
      '--allow',
      '127.122.8.0/24',
    ],
    io,
  );
  return { code, out, err };
}

describe.skipIf(peers.missing)(`SNMP communities against a real snmpd (rocommunity public, rwcommunity private)${peers.note}`, () => {
  const base = {
    port: PORT,
    communities: ['public', 'private', 'not-a-community'],
    timeoutMs: 300,
    retries: 0,
    gate: openGate,
    factory: connectedSnmpSessionFactory,
  };

  it('reports every community that answers, not only the first; write access untested unless allowed', async () => {
    const results = await probeSnmp(AGENT, base);
    expect(results.map((r) => [r.community, r.outcome, r.access])).toEqual([
      ['public', 'answered', 'untested'],
      ['private', 'answered', 'untested'],
      [undefined, 'timeout', undefined],
    ]);
    expect(results[0]!.detail).toMatch(/write access untested/);
  });

  it('with active probes allowed: public is read-only, private read-write, and nothing changed on the agent', async () => {
    const before = location();
    const results = await probeSnmp(AGENT, { ...base, testWrite: true });
    expect(results.slice(0, 2).map((r) => [r.community, r.access])).toEqual([
      ['public', 'read-only'],
      ['private', 'read-write'],
    ]);
    expect(results[0]!.detail).toMatch(/refused \(NoAccess\)/);
    expect(location()).toBe(before);
  });

  it('audit --intrusive names both default communities with their access in snmp-locked; an SNMP-only host gets model and firmware from sysDescr', async () => {
    const r = await audit([`${AGENT}-2`, '--intrusive']);
    expect(r.err).toBe('');
    const report = JSON.parse(r.out);
    const yealink = report.hosts.find((h: { host: string }) => h.host === AGENT);
    expect(yealink).toMatchObject({
      vendor: 'yealink',
      model: fixtures.yealinkT46uProductString!.model,
      firmware: fixtures.yealinkT46uProductString!.firmware,
    });
    const snmp = yealink.findings.find((f: { check: string }) => f.check === 'snmp-locked');
    expect(snmp.state).toBe('fail');
    expect(snmp.evidence.join('\n')).toMatch(/"public".*read-only/);
    expect(snmp.evidence.join('\n')).toMatch(/"private".*read-write/);
    const vvx = report.hosts.find((h: { host: string }) => h.host === POLY);
    expect(vvx).toMatchObject({
      vendor: 'polycom',
      model: fixtures.polycomVvx150ProductString!.model,
      firmware: fixtures.polycomVvx150ProductString!.firmware,
    });
  }, 30_000);

  it('a safe audit says write access untested', async () => {
    const r = await audit([AGENT]);
    const snmp = JSON.parse(r.out).hosts[0].findings.find((f: { check: string }) => f.check === 'snmp-locked');
    expect(snmp.evidence.join('\n')).toMatch(/"private".*write access untested/);
  }, 30_000);
});
