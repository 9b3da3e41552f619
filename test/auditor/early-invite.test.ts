/**
 * Intrusive audits start the INVITE probe as soon as the web answers say "phone" while OPTIONS is still waiting on the
 * only SIP port; its result is dropped when that port turns out refused; with two SIP ports it waits for OPTIONS.
 * A lab Yealink with trust control on (drops SIP from the auditor, web still identifies it). Range: 127.0.140.40–49.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditOptions } from '../../src/auditor/audit.js';
import { EmulatedPhone } from '../../src/lab/phone.js';
import type { SipLogEntry } from '../../src/lab/sip-endpoint.js';
import type { Mac } from '../../src/model/mac.js';
import { VENDORS } from '../../vendors/index.js';
import { freeTcpPort, freeUdpPort } from './helpers/net.js';
import { timedHttp } from './helpers/timed-http.js';
import { vanishingSip } from './helpers/vanishing-sip.js';

const PHONE = '127.0.140.41';
const FAKE = '127.0.140.45';
const TIMEOUT = 800;
const deps = { vendors: VENDORS, neighbours: async () => undefined };

let phone: EmulatedPhone;
let sipPort: number;
let base: AuditOptions;

beforeAll(async () => {
  sipPort = await freeUdpPort(PHONE);
  const httpPort = await freeTcpPort(PHONE);
  phone = new EmulatedPhone(
    {
      vendor: 'yealink',
      model: 'T46U',
      firmware: '108.86.0.45',
      mac: '805ec0140041' as Mac,
      ip: PHONE,
      factory: false,
      httpPort,
      presets: [{ fileName: 'local.cfg', body: `#!version:1.0.0.1\nsip.trust_ctrl = 1\nsip.listen_port = ${sipPort}\n` }],
    },
    VENDORS.find((v) => v.id === 'yealink')!,
  );
  await phone.start();
  expect(phone.behaviour().trustedOnly).toBe(true);
  base = {
    targets: [PHONE],
    sipPorts: [sipPort],
    httpPorts: [httpPort],
    httpsPorts: [],
    snmpPort: await freeUdpPort(PHONE),
    communities: [],
    timeoutMs: TIMEOUT,
    retries: 0,
    hostGapMs: 0,
    rate: 5000,
    intrusive: true,
  };
});
afterAll(async () => {
  await phone?.stop();
});

/** The phone's log entries of this run, by method. */
function logOf(since: number): Record<string, SipLogEntry> {
  const entries = phone.sipEndpoints[0]!.log.filter((e) => e.at >= since);
  return Object.fromEntries(entries.map((e) => [e.method, e]));
}

describe('early INVITE probe', () => {
  it('silent OPTIONS, web says Yealink: the INVITE goes out while OPTIONS is still waiting', async () => {
    const since = Date.now();
    const start = performance.now();
    const report = await runAudit(base, deps);
    const elapsed = performance.now() - start;
    const log = logOf(since);
    expect(log.OPTIONS).toMatchObject({ result: 'dropped' });
    expect(log.INVITE).toMatchObject({ result: 'dropped' });
    expect(log.INVITE!.at - log.OPTIONS!.at).toBeLessThan(TIMEOUT / 2);
    const host = report.hosts[0]!;
    expect(host.vendor).toBe('yealink');
    expect(host.probes.join(' | ')).toMatch(new RegExp(`udp/${sipPort}: no answer to INVITE`));
    // one OPTIONS wait and one INVITE wait, overlapped: well under the two in a row
    expect(elapsed).toBeLessThan(1.75 * TIMEOUT);
  });

  it('with two SIP ports the INVITE waits until OPTIONS has settled', async () => {
    const since = Date.now();
    const report = await runAudit({ ...base, sipPorts: [sipPort, await freeUdpPort(PHONE)] }, deps);
    const log = logOf(since);
    expect(log.INVITE!.at - log.OPTIONS!.at).toBeGreaterThanOrEqual(TIMEOUT - 20);
    expect(report.hosts[0]!.probes.join(' | ')).toMatch(new RegExp(`udp/${sipPort}: no answer to INVITE`));
  });

  it('the early INVITE result is dropped when the SIP port turns out refused', async () => {
    const web = await timedHttp(FAKE, { server: 'yealink embed httpd' });
    const sip = await vanishingSip(FAKE);
    try {
      const report = await runAudit(
        {
          ...base,
          targets: [FAKE],
          sipPorts: [sip.port],
          httpPorts: [web.port],
          snmpPort: await freeUdpPort(FAKE),
          retries: 1,
        },
        deps,
      );
      // OPTIONS (silent), the early INVITE (420, then the port closes), the OPTIONS retransmission refused
      const methods = sip.received.map((r) => r.method);
      expect(methods.slice(0, 2)).toEqual(['OPTIONS', 'INVITE']);
      expect(sip.received[1]!.at - sip.received[0]!.at).toBeLessThan(TIMEOUT / 2);
      const host = report.hosts[0]!;
      expect(host.vendor).toBe('yealink');
      const probes = host.probes.join(' | ');
      expect(probes).toMatch(new RegExp(`udp/${sip.port}: port unreachable`));
      expect(probes).not.toMatch(/INVITE/);
    } finally {
      await sip.close();
      await web.close();
    }
  });
});
