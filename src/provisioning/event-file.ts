/**
 * events.jsonl, the security events for log shippers: one JSON line per event, written behind the phone path in
 * batches (every `flushMs`, or sooner at `maxBatch` events) like the history the state database keeps — so answering a
 * request never waits for, nor schedules, a write of its own, and a refusal that leaves an event costs its answer no
 * more than one that leaves none. The file is capped: it is filled with whole lines up to `maxBytes`, then renamed to
 * events.jsonl.1 (older copies shift to .2 … .`keep`, the oldest is deleted) and the rest of the batch starts a new
 * one. A file renamed or removed by someone else (logrotate, another worker process rotating) is noticed before the
 * next batch and reopened.
 * A kill -9 loses the batch not yet written (≤ `flushMs`), as it does the database's.
 */
import { closeSync, fchmodSync, fstatSync, openSync, renameSync, statSync, unlinkSync, write } from 'node:fs';
import type { SecurityEvent } from '../store/store.js';

export interface EventFileLimits {
  /** the size no line takes the file past (the file is rotated first, full to within one line) */
  maxBytes: number;
  /** rotated copies kept beside it (events.jsonl.1 … .keep); 0: the full file is deleted */
  keep: number;
  flushMs: number;
  maxBatch: number;
}

export const DEFAULT_EVENT_FILE: EventFileLimits = { maxBytes: 64 * 1024 * 1024, keep: 4, flushMs: 50, maxBatch: 1000 };
/** events held for the file at most (the disk is slower than they arrive); past it they are counted and dropped */
const MAX_PENDING = 100_000;

export class EventFile {
  private fd: number;
  private pending: SecurityEvent[] = [];
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;
  /** events not written to the file since start (queue full or a write error); they are in the database */
  dropped = 0;

  constructor(
    private readonly path: string,
    private readonly limits: EventFileLimits = DEFAULT_EVENT_FILE,
    private readonly onError: (message: string) => void = () => {},
  ) {
    this.fd = this.open();
  }

  append(event: SecurityEvent): void {
    if (this.closed) return;
    if (this.pending.length >= MAX_PENDING) {
      this.dropped++;
      return;
    }
    this.pending.push(event);
    if (this.pending.length >= this.limits.maxBatch) this.flush().catch(() => {});
    else this.timer ??= setTimeout(() => this.flush().catch(() => {}), this.limits.flushMs).unref();
  }

  /** Writes what is queued; resolves once it is in the file. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      this.writing = this.writing.then(() => this.write(batch));
    }
    return this.writing;
  }

  /** Writes what is queued and closes the file; later events go to the database alone (its descriptor is never reused). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush();
    closeSync(this.fd);
  }

  private async write(batch: SecurityEvent[]): Promise<void> {
    const lines = batch.map((event) => Buffer.from(`${JSON.stringify(event)}\n`));
    let written = 0;
    try {
      this.reopenIfMoved();
      let size = fstatSync(this.fd).size;
      while (written < lines.length) {
        let end = linesFitting(lines, written, this.limits.maxBytes - size);
        // a line longer than the cap gets a file of its own
        if (end === written && size === 0) end++;
        if (end > written) {
          const piece = Buffer.concat(lines.slice(written, end));
          await this.writeAll(piece);
          size += piece.length;
          written = end;
        }
        if (written < lines.length) {
          this.rotate();
          size = 0;
        }
      }
    } catch (err) {
      const lost = batch.length - written;
      this.dropped += lost;
      this.onError(`events.jsonl: ${lost} events not written: ${(err as Error).message}`);
    }
  }

  /** one write per piece (the lines of one piece stay together beside another worker's appends); a short write goes on */
  private async writeAll(bytes: Buffer): Promise<void> {
    for (let offset = 0; offset < bytes.length; ) {
      offset += await new Promise<number>((done, fail) =>
        write(this.fd, bytes, offset, bytes.length - offset, null, (err, n) => (err ? fail(err) : done(n))),
      );
    }
  }

  private open(): number {
    const fd = openSync(this.path, 'a', 0o600);
    // a file made before events were owner-only keeps its mode otherwise
    fchmodSync(fd, 0o600);
    return fd;
  }

  /** The path no longer names the file we hold (rotated or removed by someone else): write to the one it names now. */
  private reopenIfMoved(): void {
    let onDisk: number | undefined;
    try {
      onDisk = statSync(this.path).ino;
    } catch {
      onDisk = undefined;
    }
    if (onDisk === fstatSync(this.fd).ino) return;
    closeSync(this.fd);
    this.fd = this.open();
  }

  private rotate(): void {
    const { keep } = this.limits;
    const moved = (from: string, to: string) => {
      try {
        renameSync(from, to);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    };
    if (keep === 0) unlinkSync(this.path);
    else {
      for (let i = keep - 1; i >= 1; i--) moved(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      moved(this.path, `${this.path}.1`);
    }
    closeSync(this.fd);
    this.fd = this.open();
  }
}

/** the end of the run of lines from `from` whose bytes fit in `room` */
function linesFitting(lines: readonly Buffer[], from: number, room: number): number {
  let end = from;
  for (let used = 0; end < lines.length && used + lines[end]!.length <= room; end++) used += lines[end]!.length;
  return end;
}
