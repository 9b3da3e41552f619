/** Security events: one structured record per decision, to SQLite and a JSON-lines file, never carrying a secret. */
import { chmodSync, createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { SecretMasker } from '../model/secret-mask.js';
import { SECURITY_REASONS } from '../model/security-events.js';
import type { EventSeverity, SecurityEvent, Store } from '../store/store.js';

export type EventInput = Omit<SecurityEvent, 'ts' | 'severity'> & { severity?: EventSeverity };

export class EventLog {
  private masker = new SecretMasker([]);
  private readonly file?: WriteStream;
  private readonly listeners: ((event: SecurityEvent) => void)[] = [];

  constructor(
    private readonly store: Store,
    jsonlPath?: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    if (jsonlPath) {
      this.file = createWriteStream(jsonlPath, { flags: 'a', mode: 0o600 });
      // a file made before events were owner-only keeps its mode otherwise
      if (existsSync(jsonlPath)) chmodSync(jsonlPath, 0o600);
    }
  }

  close(): Promise<void> {
    return new Promise((done) => (this.file ? this.file.end(done) : done()));
  }

  /** Also hands every event to `listener` (serve's log lines), after it is stored. */
  onEvent(listener: (event: SecurityEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Secrets to scrub from any free text that reaches an event (defence in depth: callers never pass them). */
  setMasker(masker: SecretMasker): void {
    this.masker = masker;
  }

  emit(input: EventInput): SecurityEvent {
    const event: SecurityEvent = {
      ts: this.now().toISOString(),
      severity: input.severity ?? SECURITY_REASONS[input.reason].severity,
      reason: input.reason,
      ...(input.source ? { source: input.source } : {}),
      ...(input.mac ? { mac: input.mac } : {}),
      ...(input.file ? { file: this.masker.mask(input.file.slice(0, 200)) } : {}),
      ...(input.detail ? { detail: this.masker.mask(input.detail.slice(0, 500)) } : {}),
    };
    // queued behind the phone path (recordEvent takes the record before it returns); a failed write is the store's to report
    this.store.recordEvent(event).catch(() => {});
    this.file?.write(JSON.stringify(event) + '\n');
    for (const listener of this.listeners) listener(event);
    return event;
  }
}
