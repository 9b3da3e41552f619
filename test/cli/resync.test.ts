/**
 * `ghostguard resync` end to end on loopback (this file's range: 127.137.1.0/24): a Runtime provisions a lab fleet of
 * each vendor; the command reaches each phone's management interface (Poly REST, Grandstream web API, Yealink Action
 * URI, as the lab emulates them) and the phones fetch their files again — the server's fetch history shows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { macWithColons } from '../../src/model/mac.js';
import { startDashboardLab, type DashboardLab } from '../dashboard/lab.js';

let lab: DashboardLab;

function run(args: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, cwd: lab.dir, isTty: false };
  return main(args, io).then((code) => ({ code, out, err }));
}

beforeAll(async () => {
  lab = await startDashboardLab('127.137.1.1', 9, 0, 0x37);
}, 60_000);

afterAll(async () => {
  await lab?.stop();
});

const port = () => String(lab.probe.httpsPorts[0]);
const phone = (vendor: string, model?: RegExp) => lab.fleet.phones.find((p) => p.vendor === vendor && (!model || model.test(p.model)))!;

async function fetchCount(mac: Parameters<DashboardLab['runtime']['store']['fetchHistory']>[0]): Promise<number> {
  await lab.runtime.store.flush();
  return (await lab.runtime.store.fetchHistory(mac, 1000)).length;
}

/** the phone's files fetched again after the command: the server's fetch history grows */
async function refetched(mac: Parameters<typeof fetchCount>[0], before: number): Promise<void> {
  await expect.poll(() => fetchCount(mac), { timeout: 10_000, interval: 100 }).toBeGreaterThan(before);
}

describe('ghostguard resync', () => {
  it('a dry run of the fleet lists the request each phone would get, says why one cannot, and sends nothing', async () => {
    const r = await run(['resync', '--all', '--dry-run', '-c', lab.configPath, '--port', port()]);
    expect(r.code).toBe(0);
    const vvx = phone('polycom', /^VVX_150/);
    const old = phone('polycom', /^VVX_400/);
    const sp = phone('polycom', /^SPIP/);
    const gs = phone('grandstream');
    const yl = phone('yealink');
    expect(r.out).toContain(
      `${macWithColons(vvx.mac)}  lab  Poly (Polycom) ${vvx.model}  ${vvx.ip}  Poly REST API: POST https://${vvx.ip}:${port()}/api/v1/mgmt/safeRestart`,
    );
    expect(r.out).toContain(
      `${macWithColons(sp.mac)}  lab  Poly (Polycom) ${sp.model}  -  not sent: SoundPoint IP phones have no REST API`,
    );
    expect(r.out).toContain(
      `${macWithColons(old.mac)}  lab  Poly (Polycom) VVX_400  -  not sent: firmware 4.1.4.7430 predates the REST API`,
    );
    expect(r.out).toContain(`POST https://${gs.ip}:${port()}/cgi-bin/api-sys_operation (request=PROV&sid=<sid>)`);
    expect(r.out).toContain(`GET https://${yl.ip}:${port()}/servlet?key=AutoP`);
    expect(r.out).toMatch(/dry run: nothing sent\n$/);
    expect(lab.fleet.phones.flatMap((p) => p.remoteActions)).toEqual([]);
  });

  it('several phones without --yes: listed, nothing sent, and how to confirm', async () => {
    const r = await run(['resync', '--site', 'lab', '-c', lab.configPath, '--port', port()]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/dry run: nothing sent; 7 phones would be contacted — run again with --yes to send\n$/);
    expect(lab.fleet.phones.flatMap((p) => p.remoteActions)).toEqual([]);
  });

  // the lab's Poly web UI is plain HTTP (ghostguard does not render the HTTPS-only switch, unverified for Poly)
  it('one Poly phone over --plain-http: POST safeRestart is sent at once, the phone fetches its files again, and the event is recorded', async () => {
    const vvx = phone('polycom', /^VVX_150/);
    const before = await fetchCount(vvx.mac);
    const r = await run(['resync', macWithColons(vvx.mac), '-c', lab.configPath, '--plain-http', '--port', String(lab.probe.httpPorts[0])]);
    expect(r.out).toContain('sending (plain HTTP: the admin password crosses the network in clear)');
    expect(r.out).toContain(`${macWithColons(vvx.mac)}  ${vvx.ip}  sent: /api/v1/mgmt/safeRestart: accepted (Status 2000)`);
    expect(r.code).toBe(0);
    expect(vvx.remoteActions).toEqual(['resync']);
    await refetched(vvx.mac, before);
    const events = await lab.runtime.store.events({ reason: 'phone-resync', mac: vvx.mac });
    expect(events[0]?.detail).toContain(`resync of ${vvx.ip} via Poly REST API, requested by cli: sent`);
  });

  it('--reboot of a Grandstream phone: dologin, then api-sys_operation REBOOT; the phone boots and fetches again', async () => {
    const gs = phone('grandstream');
    const before = await fetchCount(gs.mac);
    const r = await run(['resync', gs.mac, '--reboot', '-c', lab.configPath, '--port', port()]);
    expect(r.out).toContain(`${macWithColons(gs.mac)}  ${gs.ip}  sent: /cgi-bin/api-sys_operation request=REBOOT: accepted`);
    expect(r.code).toBe(0);
    expect(gs.remoteActions).toEqual(['reboot']);
    await refetched(gs.mac, before);
  });

  it('--all --yes over HTTPS reaches the Yealink and Grandstream phones; the old Poly phones (no method) and the VVX 150 (no HTTPS) are reported, exit 1', async () => {
    const others = lab.fleet.phones.filter((p) => p.vendor !== 'polycom');
    const before = await Promise.all(others.map((p) => fetchCount(p.mac)));
    const r = await run(['resync', '--all', '--yes', '-c', lab.configPath, '--port', port()]);
    const vvx = phone('polycom', /^VVX_150/);
    expect(r.out).toContain(`${macWithColons(vvx.mac)}  ${vvx.ip}  failed: /api/v1/mgmt/safeRestart: connection refused`);
    expect(r.out).toContain('6 of 9 sent; the phones fetch now');
    expect(r.code).toBe(1);
    for (const [i, p] of others.entries()) await refetched(p.mac, before[i]!);
    expect(phone('polycom', /^SPIP/).remoteActions).toEqual([]);
    expect(phone('polycom', /^VVX_400/).remoteActions).toEqual([]);
  });

  it('refuses a MAC outside the inventory and a missing scope (exit 2)', async () => {
    expect((await run(['resync', '00:15:65:99:99:99', '-c', lab.configPath])).code).toBe(2);
    const none = await run(['resync', '-c', lab.configPath]);
    expect(none.code).toBe(2);
    expect(none.err).toContain('give one of: a MAC address, --site <site>, --all');
  });
});
