/** What the capture readers hand on: one captured frame, or one SIP message with where and when it was seen. */
import { GhostguardError } from '../model/errors.js';
import type { SipMessage } from './sip-parse.js';

/** Link-layer header types (tcpdump.org/linktypes.html numbers) the decoder understands. */
export const LINKTYPES: Readonly<Record<number, string>> = {
  0: 'NULL',
  1: 'EN10MB',
  12: 'RAW',
  14: 'RAW',
  101: 'RAW',
  108: 'LOOP',
  113: 'LINUX_SLL',
  228: 'IPV4',
  229: 'IPV6',
  276: 'LINUX_SLL2',
};

export function linktypeName(linktype: number): string {
  return LINKTYPES[linktype] ?? `linktype ${linktype}`;
}

export interface Frame {
  /** 1-based frame number, as Wireshark numbers them */
  number: number;
  /** seconds since the epoch; undefined when the format carries none (pcapng simple packet block) */
  time: number | undefined;
  /** byte offset of the record in the file */
  offset: number;
  linktype: number;
  /** the captured bytes; only valid during the callback (a view into the read buffer) */
  data: Buffer;
  origLen: number;
}

export interface Endpoint {
  addr: string;
  port?: number;
}

export type SipTransport = 'udp' | 'tcp' | 'log';

/** One SIP message as seen in a capture or a log. */
export interface SipEvent {
  /** frame number (pcap/pcapng: the frame that completed the message) or message ordinal (text log) */
  packet: number;
  time: number | undefined;
  transport: SipTransport;
  /** absent when a text log does not say */
  src?: Endpoint;
  dst?: Endpoint;
  /** text logs: 1-based line of the start line */
  line?: number;
  msg: SipMessage;
}

/** A capture that is truncated or corrupt at `offset`; everything before it was delivered. */
export class TraceMalformedError extends GhostguardError {
  readonly offset: number;
  readonly detail: string;

  constructor(offset: number, detail: string) {
    super('GG_ERR_TRACE_MALFORMED', `GG_ERR_TRACE_MALFORMED at byte offset ${offset}: ${detail}`);
    this.offset = offset;
    this.detail = detail;
  }
}

/** Frames larger than this are treated as corrupt records (tcpdump's default snaplen is 262144). */
export const MAX_FRAME_BYTES = 1024 * 1024;
