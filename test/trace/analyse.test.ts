/** The analysis on hand-made SIP events: scanners, sweeps, trust, exposure, and a clean call flow. */
import { describe, expect, it } from 'vitest';
import { analyse, type AnalyseOptions, type TraceAnalysis } from '../../src/trace/analyse.js';
import type { SipEvent } from '../../src/trace/frame.js';
import { scannerTool, signaturesOf } from '../../src/trace/signatures.js';
import { parseDatagram } from '../../src/trace/sip-parse.js';
import { trustFromConfig } from '../../src/trace/trace-file.js';
import { request, response } from './helpers/build.js';

const T0 = 1_763_700_000;

class Flow {
  events: SipEvent[] = [];
  private n = 0;
  send(src: string, dst: string, text: string, dt = 0.01): number {
    this.n++;
    const [sa, sp] = src.split(':');
    const [da, dp] = dst.split(':');
    const msg = parseDatagram(Buffer.from(text));
    if (!msg) throw new Error(`not SIP: ${text.slice(0, 40)}`);
    this.events.push({
      packet: this.n,
      time: T0 + this.n * dt,
      transport: 'udp',
      src: { addr: sa!, port: Number(sp ?? 5060) },
      dst: { addr: da!, port: Number(dp ?? 5060) },
      msg,
    });
    return this.n;
  }
}

const host = (a: TraceAnalysis, addr: string) => a.hosts.find((h) => h.host === addr);
const checks = (a: TraceAnalysis, addr: string) => host(a, addr)?.findings.map((f) => f.check) ?? [];
const none: AnalyseOptions = { trusted: [] };

describe('scanner signatures', () => {
  it("knows the scanner User-Agents and svmap's fake From host, and leaves real phones alone", () => {
    for (const ua of [
      'friendly-scanner',
      'Friendly-Scanner 2.0',
      'sipcli/v1.8',
      'VaxSIPUserAgent/3.1',
      'sipvicious',
      'sipsak 0.9.8',
      'sippts',
    ])
      expect(scannerTool(ua), ua).toBeDefined();
    for (const ua of [
      'Yealink SIP-T46U 108.86.0.45',
      'PolycomVVX-VVX_400-UA/6.4.0',
      'Grandstream GRP2614 1.0.9.103',
      'Asterisk PBX 20.5',
      'eyeBeam release 1011d',
      '',
    ]) {
      expect(scannerTool(ua), ua).toBeUndefined();
    }
    const msg = parseDatagram(
      Buffer.from(request('OPTIONS', 'sip:100@192.0.2.10', { from: '"sipvicious"<sip:100@1.1.1.1>;tag=1', contact: 'sip:100@1.1.1.1' })),
    )!;
    expect(signaturesOf(msg).map((s) => s.key)).toEqual(['fake-host:From:1.1.1.1', 'fake-host:Contact:1.1.1.1']);
  });
});

describe('analysis', () => {
  it('finds the scanner, the phones that answered (with packet numbers) and the ones that refused', () => {
    const f = new Flow();
    const scan = (dst: string) =>
      request('INVITE', `sip:100@${dst}`, { ua: 'friendly-scanner', from: '"sipvicious"<sip:100@1.1.1.1>;tag=ab' });
    const i10 = scan('192.0.2.10');
    const p1 = f.send('203.0.113.66', '192.0.2.10', i10);
    const p2 = f.send('192.0.2.10', '203.0.113.66', response(i10, 180, 'Ringing'));
    const p3 = f.send('192.0.2.10', '203.0.113.66', response(i10, 200, 'OK'));
    f.send('192.0.2.10', '203.0.113.66', response(i10, 200, 'OK')); // retransmission
    const i11 = scan('192.0.2.11');
    const p5 = f.send('203.0.113.66', '192.0.2.11', i11);
    f.send('203.0.113.66', '192.0.2.11', i11); // retransmission of the request
    const p7 = f.send('192.0.2.11', '203.0.113.66', response(i11, 403, 'Forbidden'));
    const i12 = scan('192.0.2.12');
    const p8 = f.send('203.0.113.66', '192.0.2.12', i12); // no answer
    const a = analyse(f.events, none);

    // 192.0.2.12 never said a word: only counted in the scanner's evidence
    expect(a.hosts.map((h) => [h.host, h.role])).toEqual([
      ['192.0.2.10', 'phone'],
      ['192.0.2.11', 'endpoint'],
      ['203.0.113.66', 'scanner'],
    ]);
    expect(host(a, '203.0.113.66')!.findings[0]!.evidence.at(-1)).toMatch(
      /^3 requests \(INVITE 3\) to 3 addresses \(2 answered\) and 1 extension, packets #1–#8/,
    );
    const scanner = host(a, '203.0.113.66')!;
    expect(scanner.userAgents).toEqual(['friendly-scanner']);
    expect(scanner.findings.map((x) => [x.check, x.severity, x.state])).toEqual([['scanner-traffic', 'medium', 'fail']]);
    expect(scanner.findings[0]!.evidence.join('\n')).toMatch(/User-Agent "friendly-scanner" \(SIPVicious[^)]*\) in 3 requests/);
    expect(scanner.findings[0]!.evidence.join('\n')).toMatch(/From sip:…@1\.1\.1\.1/);
    expect(scanner.findings[0]!.packets).toContain(p1);

    expect(checks(a, '192.0.2.10')).toEqual(['sip-trusted-only', 'no-direct-ip-calls']);
    const exposed = host(a, '192.0.2.10')!.findings[0]!;
    expect(exposed.severity).toBe('critical');
    expect(exposed.packets).toEqual([p1, p2, p3, 4]);
    expect(exposed.evidence[0]).toBe('answered 1 of 1 INVITE from 203.0.113.66:5060 (scanner)');
    expect(exposed.evidence[1]).toMatch(
      new RegExp(
        `INVITE sip:100@192\\.0\\.2\\.10 #${p1} \\(2025-11-21T04:40:00\\.010000Z\\) → 180 Ringing #${p2}, 200 OK #${p3}, 200 OK #4`,
      ),
    );

    expect(checks(a, '192.0.2.11')).toEqual(['unsolicited-invite']);
    expect(host(a, '192.0.2.11')!.findings[0]!.evidence[0]).toMatch(
      new RegExp(`1 INVITE from 203\\.0\\.113\\.66:5060 \\(scanner\\) not answered: 1× 403 Forbidden \\(first #${p7}\\); first #${p5}`),
    );
    expect(host(a, '192.0.2.12')).toBeUndefined();
    void p8;
  });

  it('flags a source sweeping addresses or extensions without any signature, only inside the window, and never a trusted one', () => {
    const sweep = (src: string, n: number, dt: number, kind: 'addr' | 'ext') => {
      const f = new Flow();
      for (let i = 0; i < n; i++) {
        const dst = kind === 'addr' ? `192.0.2.${10 + i}` : '192.0.2.10';
        f.send(src, dst, request(kind === 'addr' ? 'OPTIONS' : 'INVITE', `sip:${kind === 'addr' ? 100 : 200 + i}@${dst}`), dt);
      }
      return f.events;
    };
    const fast = analyse(sweep('203.0.113.9', 10, 0.1, 'addr'), none);
    expect(checks(fast, '203.0.113.9')).toEqual(['scanner-traffic']);
    expect(host(fast, '203.0.113.9')!.findings[0]!.evidence[0]).toMatch(
      /^swept 10 distinct addresses within 0\.90 s \(#1–#10; threshold 10 in 60 s\)/,
    );
    const ext = analyse(sweep('203.0.113.9', 12, 0.1, 'ext'), none);
    expect(host(ext, '203.0.113.9')!.findings[0]!.evidence[0]).toMatch(/^swept 10 distinct extensions/);
    // nine targets only, or ten spread over more than the window: not a sweep
    expect(checks(analyse(sweep('203.0.113.9', 9, 0.1, 'addr'), none), '203.0.113.9')).toEqual([]);
    expect(checks(analyse(sweep('203.0.113.9', 10, 10, 'addr'), none), '203.0.113.9')).toEqual([]);
    expect(checks(analyse(sweep('203.0.113.9', 10, 10, 'addr'), { trusted: [], sweepWindowSeconds: 120 }), '203.0.113.9')).toEqual([
      'scanner-traffic',
    ]);
    expect(checks(analyse(sweep('203.0.113.9', 10, 0.1, 'addr'), { trusted: [], sweepThreshold: 11 }), '203.0.113.9')).toEqual([]);
    // a PBX qualifying its phones is trusted: no sweep, no unsolicited findings
    const pbx = analyse(sweep('192.0.2.2', 30, 0.1, 'addr'), { trusted: [{ address: '192.0.2.0/30', source: 'option' }] });
    expect(pbx.hosts).toEqual([]);
  });

  it('a clean capture — registrations and calls through the registrar — has no findings, with or without a trusted list', () => {
    const f = new Flow();
    const registrar = '192.0.2.5';
    for (const [phone, ext] of [
      ['192.0.2.10', '1001'],
      ['192.0.2.11', '1002'],
    ] as const) {
      const reg = request('REGISTER', `sip:${registrar}`, {
        from: `<sip:${ext}@${registrar}>;tag=r`,
        to: `<sip:${ext}@${registrar}>`,
        ua: 'Yealink SIP-T46U 108.86.0.45',
      });
      f.send(phone, registrar, reg);
      f.send(registrar, phone, response(reg, 401, 'Unauthorized'));
      const reg2 = request('REGISTER', `sip:${registrar}`, {
        from: `<sip:${ext}@${registrar}>;tag=r`,
        to: `<sip:${ext}@${registrar}>`,
        cseq: 2,
      });
      f.send(phone, registrar, reg2);
      f.send(registrar, phone, response(reg2, 200, 'OK'));
    }
    // calls: registrar → phone (answered), phone → registrar (outgoing), re-INVITE inside a dialog
    const inv = request('INVITE', 'sip:1001@192.0.2.10:5060', { ua: 'Asterisk PBX 20.5' });
    f.send(registrar, '192.0.2.10', inv);
    f.send('192.0.2.10', registrar, response(inv, 180, 'Ringing'));
    f.send('192.0.2.10', registrar, response(inv, 200, 'OK'));
    const out = request('INVITE', `sip:1002@${registrar}`);
    f.send('192.0.2.10', registrar, out);
    f.send(registrar, '192.0.2.10', response(out, 200, 'OK'));
    const opt = request('OPTIONS', 'sip:192.0.2.11');
    f.send(registrar, '192.0.2.11', opt);
    f.send('192.0.2.11', registrar, response(opt, 200, 'OK'));

    const inferred = analyse(f.events, none);
    expect(inferred.hosts).toEqual([]);
    expect(inferred.trusted.map((t) => `${t.address} ${t.source}`)).toEqual([
      '192.0.2.5 inferred-registrar',
      '192.0.2.10 inferred-registered',
      '192.0.2.11 inferred-registered',
    ]);
    const listed = analyse(f.events, { trusted: [{ address: registrar, source: 'option' }] });
    expect(listed.hosts).toEqual([]);
    expect(listed.trusted).toHaveLength(1);
    // same capture, wrong trusted list: the registrar's call is now unsolicited and the phone exposed
    const wrong = analyse(f.events, { trusted: [{ address: '192.0.2.99', source: 'option' }] });
    expect(checks(wrong, '192.0.2.10')).toEqual(['sip-trusted-only', 'no-direct-ip-calls']);
    expect(wrong.hosts.some((h) => h.role === 'scanner')).toBe(false);
  });

  it("trusts the config's site servers; a stranger ringing a phone is exposure, an OPTIONS answered to a scanner is reachability", () => {
    const trusted = trustFromConfig({
      sites: {
        hq: {
          name: 'hq',
          registrar: '192.0.2.5',
          outboundProxy: '192.0.2.6',
          trustedServers: ['192.0.2.7', 'pbx.example.net'],
          transport: 'udp',
          policy: {},
        },
        branch: { name: 'branch', registrar: '192.0.2.5', trustedServers: [], transport: 'udp', policy: {} },
      },
    });
    expect(trusted.map((t) => `${t.address}=${t.note}`)).toEqual([
      '192.0.2.5=site hq registrar',
      '192.0.2.6=site hq outbound proxy',
      '192.0.2.7=site hq trusted server',
      'pbx.example.net=site hq trusted server',
    ]);
    const f = new Flow();
    const fromProxy = request('INVITE', 'sip:1001@phone.example.net');
    f.send('192.0.2.6', '192.0.2.10', fromProxy);
    f.send('192.0.2.10', '192.0.2.6', response(fromProxy, 200, 'OK'));
    const stranger = request('INVITE', 'sip:1001@phone.example.net');
    const p = f.send('198.51.100.4', '192.0.2.10', stranger);
    const q = f.send('192.0.2.10', '198.51.100.4', response(stranger, 183, 'Session Progress'));
    const probe = request('OPTIONS', 'sip:100@192.0.2.11', { ua: 'sipcli/v1.8' });
    const o = f.send('198.51.100.5', '192.0.2.11', probe);
    const o2 = f.send('192.0.2.11', '198.51.100.5', response(probe, 200, 'OK', { server: 'Grandstream GRP2614 1.0.9.103' }));
    // a scanner probing the registrar itself is scanner traffic, not a phone exposure
    const atServer = request('INVITE', 'sip:100@192.0.2.5', { ua: 'sipcli/v1.8' });
    f.send('198.51.100.5', '192.0.2.5', atServer);
    f.send('192.0.2.5', '198.51.100.5', response(atServer, 200, 'OK'));
    const a = analyse(f.events, { trusted });
    expect(a.hosts.map((h) => `${h.host} ${h.role} ${h.findings.map((x) => x.check).join(',')}`)).toEqual([
      '192.0.2.10 phone sip-trusted-only',
      '192.0.2.11 endpoint sip-reachable',
      '198.51.100.5 scanner scanner-traffic',
    ]);
    expect(host(a, '192.0.2.10')!.findings[0]!.packets).toEqual([p, q]);
    expect(host(a, '192.0.2.10')!.findings[0]!.evidence[0]).toBe('answered 1 of 1 INVITE from 198.51.100.4:5060 (untrusted)');
    expect(host(a, '192.0.2.11')!.findings[0]!.packets).toEqual([o, o2]);
    expect(host(a, '192.0.2.11')!.findings[0]!.severity).toBe('low');
    expect(host(a, '192.0.2.11')!.userAgents).toEqual(['Grandstream GRP2614 1.0.9.103']);
  });

  it('keeps its state bounded', () => {
    const f = new Flow();
    for (let i = 0; i < 300; i++) {
      const inv = request('INVITE', 'sip:1@192.0.2.10');
      f.send(`198.51.${i >> 8}.${i & 255}`, '192.0.2.10', inv);
      f.send('192.0.2.10', `198.51.${i >> 8}.${i & 255}`, response(inv, 486, 'Busy Here'));
    }
    const a = analyse(f.events, none, { sources: 100, pairs: 50, transactions: 20, sweepKeys: 16 });
    expect(a.notes.join('\n')).toMatch(/200 requests from sources beyond the 100-source cap/);
    expect(a.notes.join('\n')).toMatch(/beyond the 50-pair cap/);
    const evidence = host(a, '192.0.2.10')!.findings[0]!.evidence;
    expect(evidence).toHaveLength(11);
    expect(evidence.at(-1)).toBe('… and 40 more sources');
  });
});
