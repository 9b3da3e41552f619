/**
 * What one server process keeps in its data directory: the state store (SQLite there, or the PostgreSQL server.store
 * names), the security event log and its file, and the master key.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerSettings } from '../model/config-types.js';
import { loadMasterKey } from '../provisioning/config-source.js';
import { EventFile } from '../provisioning/event-file.js';
import { EventLog } from '../provisioning/event-log.js';
import { eventFileLimits } from '../provisioning/limits.js';
import { openStore } from '../store/open-store.js';
import { DEFAULT_RETENTION } from '../store/retention.js';
import type { Store } from '../store/store.js';
import type { RuntimeOptions } from './runtime-options.js';

export interface StateAtRest {
  dataDir: string;
  store: Store;
  events: EventLog;
  masterKey: Buffer;
}

export async function openStateAtRest(
  options: RuntimeOptions,
  server: ServerSettings,
  env: Readonly<Record<string, string | undefined>>,
): Promise<StateAtRest> {
  const dataDir = options.dataDir ?? server.dataDir;
  // secrets at rest (master key, state, events): the directory is the owner's alone, whatever the umask
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  // a history or event write that fails (disk full, a lock held past the timeout) must be seen by whoever runs the server
  const onWriteError = (message: string) => process.stderr.write(`ghostguard: ${message}\n`);
  const store = await openStore({
    store: server.store,
    dataDir,
    env,
    onWriteError,
    retention: { ...DEFAULT_RETENTION, ...server.retention },
    ...(server.historyQueue !== undefined ? { historyQueue: server.historyQueue } : {}),
  });
  const events = new EventLog(store, new EventFile(join(dataDir, 'events.jsonl'), eventFileLimits(server), onWriteError));
  if (options.serverLog) events.onEvent(options.serverLog.event.bind(options.serverLog));
  return { dataDir, store, events, masterKey: loadMasterKey(dataDir) };
}
