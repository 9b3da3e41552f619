import { describe, expect, it } from 'vitest';
import { credentialsFor, parseCredentialsFile } from '../../src/auditor/credentials.js';
import { neighbourTable, parseArpTable } from '../../src/auditor/neighbours.js';
import { systemClock } from '../../src/auditor/scheduler.js';
import type { Mac } from '../../src/model/mac.js';

const ARP = `IP address       HW type     Flags       HW address            Mask     Device
127.77.14.10     0x1         0x2         00:15:65:aa:bb:cc     *        eth0
127.77.14.11     0x1         0x0         00:00:00:00:00:00     *        eth0
127.77.14.12     0x1         0x2         00:04:f2:11:22:33     *        eth0
127.77.14.13     0x1         0x2         ff:ff:ff:ff:ff:ff     *        eth0
`;

describe('neighbour table', () => {
  it('keeps complete unicast entries only', () => {
    expect(parseArpTable(ARP)).toEqual(
      new Map([
        ['127.77.14.10', '001565aabbcc'],
        ['127.77.14.12', '0004f2112233'],
      ]),
    );
  });

  it('reads the table at most once a second and survives a missing file', async () => {
    let reads = 0;
    const lookup = neighbourTable(systemClock, async () => {
      reads++;
      return ARP;
    });
    expect(await lookup('127.77.14.10')).toBe('001565aabbcc');
    expect(await lookup('127.77.14.12')).toBe('0004f2112233');
    expect(reads).toBe(1);
    const broken = neighbourTable(systemClock, async () => {
      throw new Error('EACCES');
    });
    expect(await broken('127.77.14.10')).toBeUndefined();
  });
});

describe('credentials file', () => {
  const file = parseCredentialsFile(`
logins:
  - { host: 127.77.14.0/24, vendor: polycom, username: Polycom, password: one }
  - { mac: "00:04:f2:11:22:33", password: two }
  - { host: 127.77.15.5, password: 3 }
communities: [s3cret]
`);

  it('parses logins and communities', () => {
    expect(file.communities).toEqual(['s3cret']);
    expect(file.logins).toHaveLength(3);
    expect(file.logins[1]!.mac).toBe('0004f2112233');
    expect(file.logins[2]!.password).toBe('3');
  });

  it('matches by host or CIDR, MAC and vendor; fills in the vendor admin user', () => {
    expect(credentialsFor(file.logins, { host: '127.77.14.12', mac: '0004f2112233' as Mac, vendor: 'polycom' }, 'Polycom')).toEqual([
      { username: 'Polycom', password: 'one' },
      { username: 'Polycom', password: 'two' },
    ]);
    expect(credentialsFor(file.logins, { host: '127.77.14.12', vendor: 'yealink' }, 'admin')).toEqual([]);
    expect(credentialsFor(file.logins, { host: '127.77.15.5', vendor: 'grandstream' }, 'admin')).toEqual([
      { username: 'admin', password: '3' },
    ]);
  });

  it('rejects bad files without echoing passwords', () => {
    for (const [text, where] of [
      ['logins: [{ password: x, port: 1 }]', /logins\[0\]\.port/],
      ['logins: [{ host: 127.0.0.1 }]', /logins\[0\]\.password: is required/],
      ['logins: [{ mac: nope, password: TopSecret9 }]', /logins\[0\]\.mac/],
      ['whatever: 1', /unknown field/],
      ['logins: [', /syntax/],
    ] as const) {
      let message = '';
      try {
        parseCredentialsFile(text);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(where);
      expect(message).not.toContain('TopSecret9');
    }
  });
});
