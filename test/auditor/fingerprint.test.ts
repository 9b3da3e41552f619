import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fingerprint, macFromUserAgent, observationsOf } from '../../src/auditor/fingerprint.js';
import type { HostObservations } from '../../src/auditor/observations.js';
import { parseMac } from '../../src/model/mac.js';
import { IDENTIFY_LEVELS, type ObservationIdentity, type VendorAdapter } from '../../src/model/vendor-contract.js';
import { VENDORS } from '../../vendors/index.js';

const agents = JSON.parse(readFileSync(new URL('../fixtures/sip-user-agents.json', import.meta.url), 'utf8')) as Record<
  string,
  { header: string; value: string; model: string; firmware: string }[]
>;
const sysDescr = JSON.parse(readFileSync(new URL('../fixtures/snmp-sysdescr.json', import.meta.url), 'utf8')) as Record<
  string,
  { sysDescr: string }
>;

const host = (over: Partial<HostObservations>): HostObservations => ({ host: '127.77.4.1', sip: [], http: [], snmp: [], ...over });
const sipAnswer = (header: string, value: string) => ({
  kind: 'sip' as const,
  method: 'OPTIONS' as const,
  port: 5060,
  outcome: 'answered' as const,
  status: 200,
  attempts: 1,
  detail: '',
  ...(header === 'Server' ? { server: value } : { userAgent: value }),
});

describe('fingerprint with the real adapters', () => {
  for (const vendor of ['yealink', 'polycom', 'grandstream']) {
    for (const a of agents[vendor]!) {
      it(`${vendor}: ${a.header}: ${a.value}`, () => {
        const id = fingerprint(VENDORS, observationsOf(host({ sip: [sipAnswer(a.header, a.value)] })));
        expect(id.vendor?.id).toBe(vendor);
        expect(id.level).toBeGreaterThanOrEqual(IDENTIFY_LEVELS.vendor);
        expect(id.firmware).toBe(a.firmware);
        expect(id.sources).toContain('SIP udp/5060');
      });
    }
  }

  it('HTTP Server header and title', () => {
    const id = fingerprint(
      VENDORS,
      observationsOf(
        host({
          http: [
            {
              kind: 'http',
              scheme: 'http',
              port: 80,
              path: '/',
              outcome: 'answered',
              status: 200,
              server: 'yealink embed httpd',
              detail: '',
            },
          ],
        }),
      ),
    );
    expect(id.vendor?.id).toBe('yealink');
  });

  it('sysDescr with a vendor product token', () => {
    const id = fingerprint(
      VENDORS,
      observationsOf(
        host({
          snmp: [
            {
              kind: 'snmp',
              port: 161,
              outcome: 'answered',
              community: 'public',
              sysDescr: sysDescr.grandstreamGxp1625!.sysDescr,
              detail: '',
            },
          ],
        }),
      ),
    );
    expect(id).toMatchObject({ level: IDENTIFY_LEVELS.model, model: 'GXP1625', firmware: '1.0.2.25' });
  });

  it('a MAC OUI alone is weak', () => {
    const id = fingerprint(VENDORS, observationsOf(host({ mac: { mac: parseMac('00:15:65:12:34:56')!, source: 'neighbour-table' } })));
    expect(id.level).toBe(IDENTIFY_LEVELS.weak);
    expect(id.vendor?.id).toBe('yealink');
  });

  it('nothing recognisable → none', () => {
    const id = fingerprint(
      VENDORS,
      observationsOf(
        host({
          snmp: [
            {
              kind: 'snmp',
              port: 161,
              outcome: 'answered',
              community: 'public',
              sysDescr: sysDescr.grandstreamHt8xx!.sysDescr,
              detail: '',
            },
          ],
        }),
      ),
    );
    expect(id.level).toBe(IDENTIFY_LEVELS.none);
    expect(id.vendor).toBeUndefined();
  });

  it('finds the MAC Poly appends to its SIP User-Agent', () => {
    expect(macFromUserAgent('PolycomVVX-VVX_150-UA/6.4.1.2280_482567164887')).toBe('482567164887');
    expect(macFromUserAgent('Yealink SIP-T42S 66.84.0.125')).toBeUndefined();
  });
});

describe('fingerprint arbitration', () => {
  const fake = (id: string, answer: ObservationIdentity, throws = false): VendorAdapter =>
    ({
      id,
      displayName: id,
      models: [],
      ouis: [],
      identifyObservation: () => {
        if (throws) throw new Error('adapter bug');
        return answer;
      },
    }) as unknown as VendorAdapter;
  const obs = observationsOf(host({ sip: [sipAnswer('User-Agent', 'Whatever 1.0')] }));

  it('a tie at the best level is unknown, naming both', () => {
    const id = fingerprint(
      [fake('a', { level: IDENTIFY_LEVELS.model, model: 'X' }), fake('b', { level: IDENTIFY_LEVELS.model, model: 'Y' })],
      obs,
    );
    expect(id.vendor).toBeUndefined();
    expect(id.tied).toEqual(['a', 'b']);
  });

  it('the best level wins; a throwing adapter is ignored', () => {
    const id = fingerprint(
      [
        fake('a', { level: IDENTIFY_LEVELS.vendor }),
        fake('b', { level: IDENTIFY_LEVELS.exact, model: 'Y', firmware: '1' }),
        fake('c', { level: 4 }, true),
      ],
      obs,
    );
    expect(id).toMatchObject({ level: IDENTIFY_LEVELS.exact, model: 'Y', firmware: '1' });
    expect(id.vendor?.id).toBe('b');
  });
});
