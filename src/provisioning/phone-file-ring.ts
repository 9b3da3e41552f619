/**
 * The render cache's part for files of one phone (its device file, its `<mac>.boot`), kept where the garbage collector
 * does not look: keys, hashes and bodies in one ring of memory, the index in typed arrays. A large fleet's boot storm
 * fills a file for nearly every request; kept as JavaScript objects (key string, entry, Buffer, hash strings: ~440
 * bytes each), every one lived long enough to be copied into the old generation and then died there, which at 20,000
 * phones made the collector's work per request grow with the fleet. Here an entry costs no object at all; a hit copies
 * its body out (a few hundred bytes that die young), so a file is never served from memory a later entry overwrites.
 *
 * Entries leave in the order they came (a ring), so a phone fetching again within the ring's span of arrivals finds
 * its file: the cache is sized for repeat fetches, not to hold the fleet.
 */
import type { ServedFile } from './served-file.js';

type Report = ServedFile['rendered'];

/** index slots probed per key: a key not within them is not cached (on insert, the first of them is replaced) */
const PROBES = 8;
/** bodies shorter than this on average would leave index slots short; then the oldest entries simply leave early */
const BYTES_PER_SLOT = 512;
const SHA256_BYTES = 32;
const EMPTY = 0;
const LIVE = 1;
/** was live: a key's probe goes on past it, an insert may reuse it */
const GONE = 2;
/** distinct renderer reports referenced by index; past this many (policies × models), the ring starts over */
const MAX_REPORTS = 4096;

export class PhoneFileRing {
  private readonly arena: Buffer;
  private readonly chars: Uint16Array;
  private readonly mask: number;
  private readonly state: Uint8Array;
  private readonly hashes: Int32Array;
  private readonly offsets: Int32Array;
  private readonly laps: Int32Array;
  private readonly keyLengths: Int32Array;
  private readonly bodyLengths: Int32Array;
  private readonly reportOf: Int32Array;
  /** entries in arrival order (their slot, offset and lap): the front is overwritten first */
  private readonly order: Int32Array;
  private front = 0;
  private queued = 0;
  private head = 0;
  private lap = 1;
  private readonly reports: Report[] = [];
  private readonly reportIds = new Map<Report, number>();
  entries = 0;
  bytes = 0;

  constructor(readonly maxBytes: number) {
    // even, so that every entry (a multiple of 8 bytes) starts where its key's UTF-16 units align
    const capacity = Math.max(0, Math.floor(maxBytes / 8) * 8);
    this.arena = Buffer.allocUnsafeSlow(capacity);
    this.chars = new Uint16Array(this.arena.buffer, this.arena.byteOffset, capacity / 2);
    let slots = 64;
    while (slots < capacity / BYTES_PER_SLOT) slots *= 2;
    this.mask = slots - 1;
    this.state = new Uint8Array(slots);
    this.hashes = new Int32Array(slots);
    this.offsets = new Int32Array(slots);
    this.laps = new Int32Array(slots);
    this.keyLengths = new Int32Array(slots);
    this.bodyLengths = new Int32Array(slots);
    this.reportOf = new Int32Array(slots);
    this.order = new Int32Array(3 * slots);
  }

  get(key: string): ServedFile | undefined {
    const slot = this.find(key, hashOf(key));
    if (slot < 0) return undefined;
    const at = this.offsets[slot]! + 2 * key.length;
    const length = this.bodyLengths[slot]!;
    // a copy of its own: the ring may overwrite this entry while the answer is still being written to the socket
    const body = Buffer.allocUnsafe(length);
    this.arena.copy(body, 0, at + SHA256_BYTES, at + SHA256_BYTES + length);
    const sha256 = this.arena.toString('hex', at, at + SHA256_BYTES);
    const rendered = this.reports[this.reportOf[slot]!]!;
    return { body, sha256, etag: `"${sha256.slice(0, 32)}"`, contentType: rendered.contentType, rendered };
  }

  set(key: string, served: ServedFile): void {
    const size = sizeOf(key.length, served.body.length);
    if (size > this.arena.length) return;
    const report = this.reportId(served.rendered);
    const hash = hashOf(key);
    const slot = this.slotFor(key, hash);
    this.makeRoom(size);
    const at = this.head;
    const first = at / 2;
    for (let i = 0; i < key.length; i++) this.chars[first + i] = key.charCodeAt(i);
    this.arena.write(served.sha256, at + 2 * key.length, SHA256_BYTES, 'hex');
    this.arena.set(served.body, at + 2 * key.length + SHA256_BYTES);
    this.state[slot] = LIVE;
    this.hashes[slot] = hash;
    this.offsets[slot] = at;
    this.laps[slot] = this.lap;
    this.keyLengths[slot] = key.length;
    this.bodyLengths[slot] = served.body.length;
    this.reportOf[slot] = report;
    this.enqueue(slot, at);
    this.head += size;
    this.entries++;
    this.bytes += size;
  }

  clear(): void {
    this.state.fill(EMPTY);
    this.front = this.queued = this.head = this.entries = this.bytes = 0;
    this.lap = 1;
    this.reports.length = 0;
    this.reportIds.clear();
  }

  private find(key: string, hash: number): number {
    for (let p = 0; p < PROBES; p++) {
      const slot = (hash + p) & this.mask;
      const state = this.state[slot];
      if (state === EMPTY) return -1;
      if (state === LIVE && this.hashes[slot] === hash && this.holds(slot, key)) return slot;
    }
    return -1;
  }

  /** The slot a new entry for this key takes: its own old one, else the first free one, else the first probed. */
  private slotFor(key: string, hash: number): number {
    let free = -1;
    for (let p = 0; p < PROBES; p++) {
      const slot = (hash + p) & this.mask;
      const state = this.state[slot];
      if (state === LIVE && this.hashes[slot] === hash && this.holds(slot, key)) {
        this.drop(slot);
        return slot;
      }
      if (state !== LIVE && free < 0) free = slot;
      if (state === EMPTY) break;
    }
    if (free >= 0) return free;
    const first = hash & this.mask;
    this.drop(first);
    return first;
  }

  private holds(slot: number, key: string): boolean {
    if (this.keyLengths[slot] !== key.length) return false;
    const first = this.offsets[slot]! / 2;
    for (let i = 0; i < key.length; i++) if (this.chars[first + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  /** Drops the oldest entries until `size` bytes are free at the head, going round to the start when the end is near. */
  private makeRoom(size: number): void {
    if (this.head + size > this.arena.length) {
      // everything from the previous lap still at the end goes, then the ring starts over at 0
      while (this.queued > 0 && this.frontLap() < this.lap) this.dequeue();
      this.head = 0;
      this.lap++;
    }
    while (this.queued > 0 && this.frontLap() < this.lap && this.order[3 * this.front + 1]! < this.head + size) this.dequeue();
  }

  private frontLap(): number {
    return this.order[3 * this.front + 2]!;
  }

  private enqueue(slot: number, at: number): void {
    const capacity = this.order.length / 3;
    // more entries than index slots (tiny files): the oldest leaves early
    if (this.queued === capacity) this.dequeue();
    const i = 3 * ((this.front + this.queued) % capacity);
    this.order[i] = slot;
    this.order[i + 1] = at;
    this.order[i + 2] = this.lap;
    this.queued++;
  }

  private dequeue(): void {
    const i = 3 * this.front;
    const slot = this.order[i]!;
    // the slot may since hold another entry (replaced on insert): only the entry written here leaves
    if (this.state[slot] === LIVE && this.offsets[slot] === this.order[i + 1] && this.laps[slot] === this.order[i + 2]) this.drop(slot);
    this.front = (this.front + 1) % (this.order.length / 3);
    this.queued--;
  }

  private drop(slot: number): void {
    if (this.state[slot] !== LIVE) return;
    this.state[slot] = GONE;
    this.entries--;
    this.bytes -= sizeOf(this.keyLengths[slot]!, this.bodyLengths[slot]!);
  }

  private reportId(report: Report): number {
    let id = this.reportIds.get(report);
    if (id !== undefined) return id;
    if (this.reports.length >= MAX_REPORTS) this.clear();
    id = this.reports.push(report) - 1;
    this.reportIds.set(report, id);
    return id;
  }
}

/** key (UTF-16), SHA-256, body, rounded up to 8 bytes */
const sizeOf = (keyChars: number, bodyBytes: number): number => (2 * keyChars + SHA256_BYTES + bodyBytes + 7) & ~7;

/** FNV-1a over the key's UTF-16 units: a slot to start probing at, not a proof (keys are compared in full) */
function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h;
}
