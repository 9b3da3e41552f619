/**
 * The lab's vendor-neutral SIP behaviour classes, seen by a hand-written caller (not the lab's or the auditor's SIP
 * code): each class answers a stranger's INVITE as its name says, and the manifest's ground truth comes from the
 * class the lab gave the phone. The demo's showcase fleet includes every class and a factory phone that rings.
 * This file's range: 127.122.3.0/24.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFleet, showcaseSipClasses } from '../../src/lab/fleet.js';
import { EmulatedPhone } from '../../src/lab/phone.js';
import { SIP_CLASSES, type SipClass } from '../../src/lab/sip-classes.js';
import type { Mac } from '../../src/model/mac.js';
import { VENDORS } from '../../vendors/index.js';
import { rawInvite } from '../auditor/helpers/ghost-peers/raw-invite.js';

const SIP_PORT = 25070;
const OWN = '2001';
const phones = new Map<SipClass, EmulatedPhone>();

beforeAll(async () => {
  for (const [i, sipClass] of SIP_CLASSES.entries()) {
    const phone = new EmulatedPhone(
      {
        vendor: 'yealink',
        model: 'T46U',
        firmware: '108.86.0.45',
        mac: `805ec01220${String(i).padStart(2, '0')}` as Mac,
        ip: `127.122.3.${10 + i}`,
        // the extension-checking phone is one the inventory lists (not factory), with its own extension set on the phone
        factory: sipClass !== 'checks-request-uri-user',
        sipClass,
        ringTimeoutMs: 3000,
        presets: [
          {
            fileName: 'local.cfg',
            body: `#!version:1.0.0.1\nsip.listen_port = ${SIP_PORT}\naccount.1.enable = 1\naccount.1.user_name = ${OWN}\n`,
          },
        ],
      },
      VENDORS.find((v) => v.id === 'yealink')!,
    );
    await phone.start();
    phones.set(sipClass, phone);
  }
});

afterAll(async () => {
  for (const p of phones.values()) await p.stop();
});

const call = (c: SipClass, user = '100') => rawInvite(phones.get(c)!.ip, SIP_PORT, user);

describe('lab SIP behaviour classes, to a stranger carrying an unsupported Require:', () => {
  it('rings: 100, 180 — Require ignored — until the CANCEL (200), then 487', async () => {
    expect(await call('rings')).toEqual({ statuses: [100, 180, 487], cancelStatus: 200 });
  });

  it('refuse-403, trying-then-403, challenge-401, drop-invite', async () => {
    expect((await call('refuse-403')).statuses).toEqual([403]);
    expect((await call('trying-then-403')).statuses).toEqual([100, 403]);
    expect((await call('challenge-401')).statuses).toEqual([401]);
    expect((await call('drop-invite')).statuses).toEqual([]);
  });

  it('checks-request-uri-user: 404 for a scanner-style user, rings for its own extension', async () => {
    expect((await call('checks-request-uri-user', '100')).statuses).toEqual([404]);
    expect(await call('checks-request-uri-user', OWN)).toEqual({ statuses: [100, 180, 487], cancelStatus: 200 });
  });

  it('ground truth comes from the class the lab gave the phone', () => {
    const truth = Object.fromEntries(
      [...phones].map(([c, p]) => [c, [p.manifest().expect.ghostCall, p.manifest().expect.ringsForStrangers]]),
    );
    expect(truth).toEqual({
      rings: ['rings', true],
      'refuse-403': ['refuses', false],
      'drop-invite': ['ignores', false],
      'trying-then-403': ['refuses', false],
      'challenge-401': ['refuses', false],
      'checks-request-uri-user': ['rings', true],
    });
    expect(phones.get('rings')!.manifest().sipClass).toBe('rings');
  });
});

describe('the showcase fleet (demo, ghostguard lab)', () => {
  it('30 phones, 9 factory: every class once, the ringing one a factory phone, the extension checker the first provisioned one', () => {
    const specs = planFleet({ phones: 30, factory: 9, baseIp: '127.122.4.1', adapters: VENDORS, sipClasses: showcaseSipClasses });
    const classed = specs.filter((s) => s.sipClass);
    expect(classed.map((s) => s.sipClass).sort()).toEqual([...SIP_CLASSES].sort());
    expect(classed.find((s) => s.sipClass === 'rings')).toMatchObject({ factory: true });
    expect(specs.find((s) => !s.factory)).toMatchObject({ sipClass: 'checks-request-uri-user' });
    // one factory phone of each vendor keeps its vendor's own factory behaviour
    for (const vendor of VENDORS.map((v) => v.id))
      expect(
        specs.some((s) => s.factory && s.vendor === vendor && !s.sipClass),
        vendor,
      ).toBe(true);
  });
});
