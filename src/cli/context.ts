/** Shared CLI plumbing: which config file, the vendor catalogue, an inventory without a running server. */
import { formatIssue } from '../model/config-issues.js';
import type { FleetConfig } from '../model/config-types.js';
import { GhostguardError } from '../model/errors.js';
import { Inventory } from '../model/inventory.js';
import { loadMasterKey, readConfig } from '../provisioning/config-source.js';
import { EventFile } from '../provisioning/event-file.js';
import { EventLog, type EventInput } from '../provisioning/event-log.js';
import { eventFileLimits } from '../provisioning/limits.js';
import { catalogue } from '../app/vendors.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { chooseConfig, warnNewMasterKey, type ConfigChoice, type ConfigOptions } from './config-choice.js';
import type { CliIo } from './io.js';
import { join } from 'node:path';

export { catalogue, vendors } from '../app/vendors.js';

export interface LoadedConfig {
  choice: ConfigChoice;
  config: FleetConfig;
}

/** The chosen config, parsed with its paths resolved; an invalid file is GG_ERR_CONFIG_INVALID with every problem. */
export function loadConfig(options: ConfigOptions, io: CliIo): LoadedConfig {
  const choice = chooseConfig(options, io);
  const { config, issues } = readConfig(choice.path, catalogue, choice.baseDir);
  if (!config) throw new GhostguardError('GG_ERR_CONFIG_INVALID', undefined, issues.map(formatIssue));
  return { choice, config };
}

/** The master key of a config's data directory, warning first when a new one would be made beside older state. */
export function masterKeyFor(loaded: LoadedConfig, io: CliIo): Buffer {
  warnNewMasterKey(loaded.choice, loaded.config.server.dataDir, io);
  return loadMasterKey(loaded.config.server.dataDir);
}

export interface Offline {
  inventory: Inventory;
  store: Store;
  config: LoadedConfig;
  /** records a security event as the server does: the state store and <dataDir>/events.jsonl */
  event: (input: EventInput) => void;
  close: () => Promise<void>;
}

/** Opens the config and state the way the server would, for commands that run beside (or instead of) it. */
export async function openOffline(options: ConfigOptions, io: CliIo): Promise<Offline> {
  const loaded = loadConfig(options, io);
  const dataDir = loaded.config.server.dataDir;
  const masterKey = masterKeyFor(loaded, io);
  const store = await openStore({ store: loaded.config.server.store, dataDir, env: io.env });
  const inventory = new Inventory(loaded.config, { masterKey, env: io.env }, 1);
  // opened on the first event, so commands that record none leave no events.jsonl behind
  let events: EventLog | undefined;
  const event = (input: EventInput): void => {
    events ??= new EventLog(store, new EventFile(join(dataDir, 'events.jsonl'), eventFileLimits(loaded.config.server)));
    events.emit(input);
  };
  const close = async (): Promise<void> => {
    await events?.close();
    await store.close();
  };
  return { inventory, store, config: loaded, event, close };
}
