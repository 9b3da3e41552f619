/** Security events: one structured record per decision, to SQLite and a JSON-lines file, never carrying a secret. */
import { SecretMasker } from '../model/secret-mask.js';
import { SECURITY_REASONS } from '../model/security-events.js';
import type { EventSeverity, SecurityEvent, Store } from '../store/store.js';
import type { EventFile } from './event-file.js';

export type EventInput = Omit<SecurityEvent, 'ts' | 'severity'> & { severity?: EventSeverity };

export class EventLog {
  private masker = new SecretMasker([]);
  private readonly file?: EventFile;
  private readonly listeners: ((event: SecurityEvent) => void)[] = [];

  constructor(
    private readonly store: Store,
    file?: EventFile,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.file = file;
  }

  close(): Promise<void> {
    return this.file ? this.file.close() : Promise.resolve();
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
    // both sinks queue it behind the phone path, in batches; a failed write is theirs to report
    this.store.recordEvent(event).catch(() => {});
    this.file?.append(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }
}
