/**
 * Reads a PUT body only after the request passed every check its headers allow (PhoneHandler.handleUpload): a refused
 * upload is answered and its connection closed without its body ever being held. An admitted one is read up to its
 * file's cap, within a deadline, and only while the process's budget of bodies held in memory allows it; bodies the
 * server does not keep (logs) are counted and dropped as they arrive.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tooLarge, type PendingUpload, type PhoneHttpResponse } from './phone-http.js';

export interface UploadBudget {
  /** bytes of upload bodies all connections together may hold in memory at once */
  inFlightBytes: number;
  /** an admitted body must arrive within this long */
  deadlineMs: number;
}

export const DEFAULT_UPLOAD_BUDGET: UploadBudget = { inFlightBytes: 32 * 1024 * 1024, deadlineMs: 30_000 };

const TEXT = 'text/plain; charset=utf-8';
/** what a refused upload may still send, read and dropped, before its connection is cut */
const DRAIN_BYTES = 64 * 1024;

export class UploadReader {
  private held = 0;

  constructor(
    private readonly budget: UploadBudget,
    private readonly write: (res: ServerResponse, answer: PhoneHttpResponse) => void,
  ) {}

  /** bytes reserved by bodies being read now */
  get inFlight(): number {
    return this.held;
  }

  /**
   * Answers without keeping the body, then closes the connection. Up to 64 KB already sent is read and dropped, so a
   * phone's small upload sees the answer (a 401 challenge) rather than a reset; past that the connection is cut.
   */
  refuse(req: IncomingMessage, res: ServerResponse, answer: PhoneHttpResponse): void {
    answer.headers.connection = 'close';
    this.write(res, answer);
    const socket = req.socket;
    let dropped = 0;
    req.on('data', (chunk: Buffer) => {
      dropped += chunk.length;
      if (dropped > DRAIN_BYTES) socket.destroy();
    });
    res.once('finish', () => setTimeout(() => socket.destroy(), 1000).unref());
  }

  read(req: IncomingMessage, res: ServerResponse, pending: PendingUpload, expectsContinue: boolean): void {
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if (declared !== undefined && !(declared <= pending.maxBytes)) {
      this.refuse(req, res, tooLarge());
      return;
    }
    const reserve = pending.keepBody ? (declared ?? pending.maxBytes) : 0;
    if (this.held + reserve > this.budget.inFlightBytes) {
      this.refuse(req, res, { status: 503, headers: { 'content-type': TEXT, 'retry-after': '10' }, body: 'Service Unavailable\n' });
      return;
    }
    this.held += reserve;
    let released = false;
    const release = () => {
      if (!released) this.held -= reserve;
      released = true;
      clearTimeout(deadline);
    };
    const deadline = setTimeout(() => {
      release();
      this.refuse(req, res, { status: 408, headers: { 'content-type': TEXT }, body: 'Request Timeout\n' });
      req.socket.destroy();
    }, this.budget.deadlineMs);
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (released) return;
      size += chunk.length;
      if (size > pending.maxBytes) {
        release();
        this.refuse(req, res, tooLarge());
        return;
      }
      if (pending.keepBody) chunks.push(chunk);
    });
    req.once('end', () => {
      if (released) return;
      release();
      pending.complete(pending.keepBody ? Buffer.concat(chunks).toString('utf8') : '').then(
        (answer) => this.write(res, answer),
        () => this.write(res, { status: 500, headers: { 'content-type': TEXT }, body: 'Internal Server Error\n' }),
      );
    });
    req.once('close', release);
    if (expectsContinue) res.writeContinue();
  }
}
