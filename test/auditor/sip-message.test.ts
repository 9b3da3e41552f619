import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildRequest, cseqOf, header, matches, parseResponse, toTag, viaBranch } from '../../src/auditor/sip-message.js';

const agents = JSON.parse(readFileSync(new URL('../fixtures/sip-user-agents.json', import.meta.url), 'utf8')) as Record<
  string,
  { header: string; value: string }[]
>;

function response(status: string, extra: string[], sep = '\r\n'): Buffer {
  return Buffer.from(
    [
      `SIP/2.0 ${status}`,
      'Via: SIP/2.0/UDP 127.0.0.1:5555;branch=z9hG4bKabc;rport=5555;received=127.0.0.1',
      'From: <sip:ghostguard@127.0.0.1>;tag=f1',
      'To: <sip:127.77.0.1:5060>;tag=t9',
      'Call-ID: c1@ghostguard',
      'CSeq: 1 OPTIONS',
      ...extra,
      'Content-Length: 0',
      '',
      '',
    ].join(sep),
  );
}

describe('sip-message', () => {
  it('builds an OPTIONS request the way RFC 3261 wants it', () => {
    const text = buildRequest({
      method: 'OPTIONS',
      requestUri: 'sip:127.77.0.1:5060',
      local: { host: '127.0.0.1', port: 5555 },
      branch: 'z9hG4bKabc',
      fromTag: 'f1',
      toUri: 'sip:127.77.0.1:5060',
      callId: 'c1@ghostguard',
      cseq: 1,
    });
    expect(text.startsWith('OPTIONS sip:127.77.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5555;branch=z9hG4bKabc;rport\r\n')).toBe(
      true,
    );
    expect(text).toContain('\r\nCSeq: 1 OPTIONS\r\n');
    expect(text).toContain('\r\nUser-Agent: ghostguard-audit/0.1\r\n');
    expect(text.endsWith('Content-Length: 0\r\n\r\n')).toBe(true);
    // not a scanner signature operators block
    expect(text).not.toMatch(/friendly-scanner|sipvicious|1\.1\.1\.1/);
  });

  it('parses captured vendor User-Agent and Server values', () => {
    for (const list of Object.values(agents).filter(Array.isArray)) {
      for (const a of list) {
        const r = parseResponse(response('200 OK', [`${a.header}: ${a.value}`]));
        expect(r.ok).toBe(true);
        if (r.ok) expect(header(r.response, a.header)).toBe(a.value);
      }
    }
  });

  it('reads status, CSeq, branch, tag, compact and folded headers, LF-only line ends', () => {
    const r = parseResponse(
      response('420 Bad Extension', ['Unsupported: ghostguard-audit-probe', 'Server: Polycom', '  SoundPoint'], '\n'),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.response.status).toBe(420);
    expect(r.response.reason).toBe('Bad Extension');
    expect(cseqOf(r.response)).toEqual({ seq: 1, method: 'OPTIONS' });
    expect(viaBranch(r.response)).toBe('z9hG4bKabc');
    expect(toTag(r.response)).toBe('t9');
    expect(header(r.response, 'server')).toBe('Polycom SoundPoint');
    expect(matches(r.response, 'c1@ghostguard', 'OPTIONS', 'z9hG4bKabc')).toBe(true);
    expect(matches(r.response, 'other', 'OPTIONS', 'z9hG4bKabc')).toBe(false);
    const compact = parseResponse(
      Buffer.from('SIP/2.0 200 OK\r\nv: SIP/2.0/UDP x;branch=z9hG4bK1\r\ni: abc\r\nCSeq: 2 OPTIONS\r\nl: 0\r\n\r\n'),
    );
    expect(compact.ok && header(compact.response, 'call-id')).toBe('abc');
  });

  it('rejects malformed input without throwing', () => {
    const junk = [
      Buffer.alloc(0),
      Buffer.from([0x16, 0x03, 0x01, 0xff]),
      Buffer.from('HTTP/1.1 200 OK\r\n\r\n'),
      Buffer.from('OPTIONS sip:x SIP/2.0\r\n\r\n'),
      Buffer.from('SIP/2.0 200 OK\r\nno colon here\r\n\r\n'),
      Buffer.from('SIP/2.0 200 OK\r\nVia: x\r\n\r\n'),
      Buffer.from('SIP/2.0 999 Huh\r\n\r\n'),
      Buffer.from(`SIP/2.0 200 OK\r\n${'X-A: b\r\n'.repeat(500)}\r\n`),
      Buffer.alloc(70_000, 0x41),
    ];
    for (const j of junk) expect(parseResponse(j).ok).toBe(false);
  });
});
