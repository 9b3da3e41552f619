/**
 * The shared SIP grammar, driven with RFC messages (test/fixtures/sip-rfc/) through the grammar itself and through the
 * three codecs built on it. Expected values are read off the RFC text.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { header as auditorHeader, parseResponse, toTag, viaBranch } from '../../src/auditor/sip-message.js';
import {
  header as labHeader,
  headerAll as labHeaderAll,
  parseSipMessage,
  tagOf as labTagOf,
  topBranch,
} from '../../src/lab/sip-message.js';
import {
  addressUri,
  canonicalHeaderName,
  COMPACT_HEADER_NAMES,
  parseCSeq,
  parseHeaderValue,
  parseVia,
  splitHeaderValues,
  tagOf,
  unfoldHeaderLines,
} from '../../src/model/sip-grammar.js';
import { parseDatagram, tagOf as traceTagOf, viaParts } from '../../src/trace/sip-parse.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/sip-rfc/${name}`, import.meta.url), 'utf8').replace(/\r?\n/g, '\r\n');
const WSINV = fixture('rfc4475-wsinv.sip');
const LWSDISP = fixture('rfc4475-lwsdisp.sip');
const F9 = fixture('rfc3261-f9-200.sip');

function headerBlock(message: string): string[] {
  return unfoldHeaderLines(message.slice(0, message.indexOf('\r\n\r\n')).split('\r\n').slice(1)).lines;
}

describe('header names', () => {
  it('maps every compact form of RFC 3261 §7.3.3, RFC 6665 and RFC 3515', () => {
    expect(COMPACT_HEADER_NAMES).toEqual({
      i: 'call-id',
      m: 'contact',
      e: 'content-encoding',
      l: 'content-length',
      c: 'content-type',
      f: 'from',
      t: 'to',
      v: 'via',
      s: 'subject',
      k: 'supported',
      o: 'event',
      r: 'refer-to',
      u: 'allow-events',
    });
    expect(canonicalHeaderName('MaX-fOrWaRdS')).toBe('max-forwards');
    expect(canonicalHeaderName('V ')).toBe('via');
  });
});

describe('RFC 4475 §3.1.1.1 wsinv (the short tortuous INVITE)', () => {
  const lines = headerBlock(WSINV);
  const values = (name: string): string[] =>
    lines.filter((l) => canonicalHeaderName(l.slice(0, l.indexOf(':'))) === name).map((l) => l.slice(l.indexOf(':') + 1).trim());

  it('unfolds continuation lines and reads every header the RFC lists', () => {
    expect(lines).toHaveLength(14);
    expect(values('call-id')).toEqual(['wsinv.ndaksdj@192.0.2.1']);
    expect(parseCSeq(values('cseq')[0])).toEqual({ seq: 9, method: 'INVITE' });
    expect(values('max-forwards')).toEqual(['0068']);
    expect(values('subject')).toEqual(['']);
    expect(values('unknownheaderwithunusualvalue')).toEqual([';;,,;;,;']);
  });

  it('reads tags with whitespace around ";" and "=", and the display name with escaped quotes', () => {
    expect(tagOf(values('to')[0])).toBe('1918181833n');
    expect(tagOf(values('from')[0])).toBe('98asjd8');
    expect(addressUri(values('from')[0]!)).toBe('sip:jdrosen@example.com');
    expect(addressUri(values('to')[0]!)).toBe('sip:vivekg@chair-dnrc.example.com');
  });

  it('keeps URI parameters inside <> out of the header parameters (Route, Contact)', () => {
    const route = parseHeaderValue(values('route')[0]!);
    expect(route.params.size).toBe(0);
    expect(addressUri(values('route')[0]!)).toBe('sip:services.example.com;lr;unknownwith=value;unknown-no-value');
    const contact = parseHeaderValue(values('contact')[0]!);
    expect(Object.fromEntries(contact.params)).toEqual({ newparam: 'newvalue', secondparam: '', q: '0.33' });
  });

  it('reads three Via values: one long form, two in one compact header separated by a comma', () => {
    const vias = values('via').flatMap(splitHeaderValues).map(parseVia);
    expect(vias.map((v) => [v?.transport, v?.host, v?.params.get('branch')])).toEqual([
      ['UDP', '192.0.2.2', '390skdjuw'],
      ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['UDP', '192.0.2.111', 'z9hG4bK30239'],
    ]);
  });

  it('the lab codec accepts it as a well-formed request', () => {
    const msg = parseSipMessage(WSINV);
    expect(msg?.kind).toBe('request');
    if (msg?.kind !== 'request') return;
    expect(msg.method).toBe('INVITE');
    expect(msg.uri).toBe('sip:vivekg@chair-dnrc.example.com;unknownparam');
    expect(labTagOf(labHeader(msg.headers, 'to'))).toBe('1918181833n');
    expect(labTagOf(labHeader(msg.headers, 'from'))).toBe('98asjd8');
    expect(labHeaderAll(msg.headers, 'via')).toHaveLength(2);
    expect(topBranch(msg)).toBe('390skdjuw');
    expect(msg.body.length).toBe(150);
  });

  it('the trace codec reads the same transaction keys', () => {
    const msg = parseDatagram(Buffer.from(WSINV, 'latin1'));
    expect(msg).toMatchObject({
      method: 'INVITE',
      callId: 'wsinv.ndaksdj@192.0.2.1',
      cseqNum: 9,
      cseqMethod: 'INVITE',
      contentLength: 150,
    });
    expect(traceTagOf(msg!.to)).toBe('1918181833n');
    expect(traceTagOf(msg!.from)).toBe('98asjd8');
    expect(viaParts(msg!.via)).toEqual({ host: '192.0.2.2', branch: '390skdjuw' });
  });

  it('the auditor codec reads the same header block behind a status line', () => {
    const response = `SIP/2.0 200 OK\r\n${WSINV.slice(WSINV.indexOf('\r\n') + 2)}`;
    const parsed = parseResponse(Buffer.from(response, 'latin1'));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(toTag(parsed.response)).toBe('1918181833n');
    expect(viaBranch(parsed.response)).toBe('390skdjuw');
    expect(auditorHeader(parsed.response, 'contact')).toContain('sip:jdrosen@example.com');
  });
});

describe('RFC 4475 §3.1.1.6 lwsdisp (no LWS between display name and <)', () => {
  it('is accepted, and the From tag is read outside the URI', () => {
    const msg = parseSipMessage(LWSDISP);
    expect(msg?.kind).toBe('request');
    if (msg?.kind !== 'request') return;
    expect(labTagOf(labHeader(msg.headers, 'from'))).toBe('323');
    expect(addressUri(labHeader(msg.headers, 'from')!)).toBe('sip:caller@example.com');
    expect(labHeader(msg.headers, 'content-length')).toBe('0');
    expect(parseDatagram(Buffer.from(LWSDISP))?.cseqMethod).toBe('OPTIONS');
  });
});

describe('RFC 3261 §4 F9: a 200 OK with folded Via lines', () => {
  it('the auditor matches on the top Via branch and reads the To tag', () => {
    const parsed = parseResponse(Buffer.from(F9));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.response.headers.get('via')).toHaveLength(3);
    expect(viaBranch(parsed.response)).toBe('z9hG4bKnashds8');
    expect(toTag(parsed.response)).toBe('a6c85cf');
  });

  it('the trace reads the top Via with its received parameter', () => {
    const msg = parseDatagram(Buffer.from(F9));
    expect(viaParts(msg!.via)).toEqual({ host: 'server10.biloxi.com', branch: 'z9hG4bKnashds8', received: '192.0.2.3' });
    expect(msg).toMatchObject({ status: 200, cseqNum: 314159, cseqMethod: 'INVITE' });
  });
});

describe('a tag inside <> is a URI parameter, not the header tag (RFC 3261 §20.10, §25.1)', () => {
  const TO = '"Bob" <sip:100@127.0.0.1;tag=inuri>;tag=real';
  const message = (start: string): string =>
    [
      start,
      'Via: SIP/2.0/UDP 127.128.0.1:20001;branch=z9hG4bKgrammar',
      'From: <sip:a@127.128.0.1>;tag=f1',
      `To: ${TO}`,
      'Call-ID: grammar-1',
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');

  it('reads `real` under all three codecs', () => {
    expect(tagOf(TO)).toBe('real');
    const response = parseResponse(Buffer.from(message('SIP/2.0 200 OK')));
    expect(response.ok && toTag(response.response)).toBe('real');
    const request = parseSipMessage(message('OPTIONS sip:100@127.128.0.2 SIP/2.0'));
    expect(request && labTagOf(labHeader(request.headers, 'to'))).toBe('real');
    expect(traceTagOf(parseDatagram(Buffer.from(message('OPTIONS sip:100@127.128.0.2 SIP/2.0')))!.to)).toBe('real');
  });

  it('a quoted display name holding ";tag=" and "<" does not fool the lexer', () => {
    expect(tagOf('"x;tag=no <sip:y>" <sip:100@127.0.0.1>;tag=yes')).toBe('yes');
    expect(addressUri('"x;tag=no <sip:y>" <sip:100@127.0.0.1>;tag=yes')).toBe('sip:100@127.0.0.1');
    expect(tagOf('sip:100@127.0.0.1;tag=addr-spec')).toBe('addr-spec');
    expect(tagOf('<sip:100@127.0.0.1;tag=inuri>')).toBeUndefined();
  });
});
