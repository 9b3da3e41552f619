/** The edge plan: trusted sources from the site, SIP ports from the policy, and the refusals. */
import { describe, expect, it } from 'vitest';
import { mergeRanges, parseNetwork } from '../../src/edge/network.js';
import { buildEdgePlan } from '../../src/edge/plan.js';
import { isGhostguardError } from '../../src/model/errors.js';
import { device, richPlan, site, sitePolicy } from './fixtures.js';

function usageError(fn: () => unknown): { message: string; details: readonly string[] } {
  try {
    fn();
  } catch (err) {
    if (isGhostguardError(err) && err.code === 'GG_ERR_USAGE') return { message: err.message, details: err.details };
    throw err;
  }
  throw new Error('expected GG_ERR_USAGE');
}

describe('parseNetwork', () => {
  it('normalises addresses and CIDRs of both families, recognises hostnames, rejects the rest', () => {
    expect(parseNetwork('198.51.100.10')).toMatchObject({ family: 4, text: '198.51.100.10', prefix: 32 });
    expect(parseNetwork(' 198.51.100.77/24 ')).toMatchObject({ family: 4, text: '198.51.100.0/24', prefix: 24 });
    expect(parseNetwork('2001:DB8:0:0::5')).toMatchObject({ family: 6, text: '2001:db8::5', prefix: 128 });
    expect(parseNetwork('2001:db8:1::99/48')).toMatchObject({ family: 6, text: '2001:db8:1::/48' });
    expect(parseNetwork('pbx.example.com')).toBe('hostname');
    for (const bad of ['198.51.100.300', '198.51.100.1/33', '198.51.100.1:5060', '10', '2001:db8::1/129', 'fe80::1%eth0', '', 'a b']) {
      expect(parseNetwork(bad), bad).toBeUndefined();
    }
  });

  it('merges port ranges', () => {
    expect(
      mergeRanges([
        { from: 5080, to: 5080 },
        { from: 5060, to: 5062 },
        { from: 5061, to: 5066 },
        { from: 5067, to: 5067 },
      ]),
    ).toEqual([
      { from: 5060, to: 5067 },
      { from: 5080, to: 5080 },
    ]);
  });
});

describe('buildEdgePlan', () => {
  it('trusts registrar, outbound proxy and trusted servers; an address inside a listed range is merged into it', () => {
    const plan = buildEdgePlan(site(), [device()], sitePolicy());
    expect(plan.trusted.map((t) => [t.text, t.origins])).toEqual([
      ['2001:db8::5', ['outboundProxy']],
      ['198.51.100.0/24', ['trustedServers[0]']],
      ['203.0.113.7', ['trustedServers[1]']],
    ]);
    expect(plan.covered).toEqual([{ origin: 'registrar', value: '198.51.100.10', by: '198.51.100.0/24 (trustedServers[0])' }]);
    expect(buildEdgePlan(site({ outboundProxy: '198.51.100.10', trustedServers: [] }), [], sitePolicy()).trusted).toEqual([
      expect.objectContaining({ text: '198.51.100.10', origins: ['registrar', 'outboundProxy'] }),
    ]);
  });

  it('protects 5060 over UDP and TCP by default, with a shared rate limit and defaults', () => {
    const plan = buildEdgePlan(site(), [device()], sitePolicy());
    expect(plan.ports).toEqual({ udp: [{ from: 5060, to: 5060 }], tcp: [{ from: 5060, to: 5060 }] });
    expect(plan).toMatchObject({ chain: 'forward', phones: [], rate: { perSecond: 200, burst: 400 }, id: 'hq', unresolved: [] });
    expect(plan.logPrefix.length).toBeLessThanOrEqual(28);
  });

  it('adds TLS on 5061/tcp for transport tls or sip-tls-srtp, and the sip-port-nonstandard port', () => {
    expect(buildEdgePlan(site({ transport: 'tls' }), [device()], sitePolicy()).ports.tcp).toEqual([{ from: 5060, to: 5061 }]);
    const srtp = buildEdgePlan(site(), [device({ 'sip-tls-srtp': { enabled: true } })], sitePolicy());
    expect(srtp.ports).toEqual({ udp: [{ from: 5060, to: 5060 }], tcp: [{ from: 5060, to: 5061 }] });
    const moved = buildEdgePlan(site(), [device({ 'sip-port-nonstandard': { enabled: true, port: 5070 } })], sitePolicy());
    expect(moved.ports.udp).toEqual([
      { from: 5060, to: 5060 },
      { from: 5070, to: 5070 },
    ]);
    expect(moved.portNotes).toContain('5070: sip-port-nonstandard');
    // a site without devices uses its own (fleet + site) policy
    const bySite = buildEdgePlan(site(), [], sitePolicy({ 'sip-port-nonstandard': { enabled: true, port: 5090 } }));
    expect(bySite.ports.udp).toEqual([
      { from: 5060, to: 5060 },
      { from: 5090, to: 5090 },
    ]);
  });

  it('covers one port per account (spaced by two) for phones that listen per account', () => {
    const plan = richPlan();
    expect(plan.ports.udp).toEqual([
      { from: 5060, to: 5066 },
      { from: 5080, to: 5086 },
    ]);
    expect(plan.ports.tcp).toEqual([
      { from: 5060, to: 5067 },
      { from: 5080, to: 5087 },
    ]);
  });

  it('takes phone networks and the chain; makes odd site names safe', () => {
    const plan = buildEdgePlan(site({ name: 'Head Office / 3rd floor' }), [], sitePolicy(), {
      chain: 'input',
      phones: ['192.0.2.0/24', '2001:db8:1::/64'],
      rate: 50,
    });
    expect(plan.phones.map((p) => p.text)).toEqual(['192.0.2.0/24', '2001:db8:1::/64']);
    expect(plan.chain).toBe('input');
    expect(plan.rate).toEqual({ perSecond: 50, burst: 100 });
    expect(plan.id).toMatch(/^[A-Za-z0-9_]{1,16}$/);
    expect(plan.id).not.toBe(buildEdgePlan(site({ name: 'Head Office / 3rd floor!' }), [], sitePolicy()).id);
    expect(usageError(() => buildEdgePlan(site(), [], sitePolicy(), { phones: ['phones.example.com'] })).message).toMatch(
      /--phones: "phones\.example\.com"/,
    );
    expect(usageError(() => buildEdgePlan(site(), [], sitePolicy(), { rate: 0 })).message).toMatch(/--rate/);
  });

  it('never resolves a hostname: it is listed as unresolved and left out', () => {
    const plan = buildEdgePlan(site({ registrar: 'pbx.example.com' }), [], sitePolicy());
    expect(plan.unresolved).toEqual([{ origin: 'registrar', value: 'pbx.example.com' }]);
    expect(plan.trusted.map((t) => t.text)).not.toContain('pbx.example.com');
  });

  it('refuses entries that are not addresses, ranges admitting everyone, and a site left with no trusted address', () => {
    const bad = usageError(() => buildEdgePlan(site({ trustedServers: ['198.51.100.1:5060', '0.0.0.0/0'] }), [], sitePolicy()));
    expect(bad.details).toEqual([
      'sites.hq.trustedServers[0]: "198.51.100.1:5060" is not an IPv4/IPv6 address or CIDR',
      'sites.hq.trustedServers[1]: "0.0.0.0/0" admits every address',
    ]);
    const none = usageError(() =>
      buildEdgePlan(site({ registrar: 'pbx.example.com', outboundProxy: undefined, trustedServers: [] }), [], sitePolicy()),
    );
    expect(none.message).toMatch(/no trusted server address: the rules would drop all SIP/);
    expect(none.details[0]).toMatch(/"pbx\.example\.com" is a hostname/);
  });
});
