/** Shared CLI plumbing: which config file, the vendor catalogue, an inventory without a running server. */
import { resolve } from 'node:path';
import { VENDORS } from '../../vendors/index.js';
import { formatIssue } from '../model/config-issues.js';
import { GhostguardError } from '../model/errors.js';
import { Inventory } from '../model/inventory.js';
import { BUNDLED_EXAMPLE, loadMasterKey, readConfig } from '../provisioning/config-source.js';
import { catalogueOf } from '../provisioning/runtime.js';
import { stateDatabasePath } from '../store/sqlite-open.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { CliIo } from './io.js';

export const vendors = VENDORS;
export const catalogue = catalogueOf(VENDORS);

export function configPath(option: string | undefined, io: CliIo): string {
  if (option) return resolve(io.cwd, option);
  return io.env.GHOSTGUARD_CONFIG ? resolve(io.cwd, io.env.GHOSTGUARD_CONFIG) : BUNDLED_EXAMPLE;
}

export function dataDirOf(dir: string, io: CliIo): string {
  return resolve(io.cwd, dir);
}

export interface Offline {
  inventory: Inventory;
  store: SqliteStore;
  close: () => void;
}

/** Opens the config and state the way the server would, for commands that run beside (or instead of) it. */
export function openOffline(configOption: string | undefined, io: CliIo): Offline {
  const path = configPath(configOption, io);
  const { config, issues } = readConfig(path, catalogue);
  if (!config) throw new GhostguardError('GG_ERR_CONFIG_INVALID', undefined, issues.map(formatIssue));
  const dataDir = dataDirOf(config.server.dataDir, io);
  const masterKey = loadMasterKey(dataDir);
  const store = new SqliteStore(stateDatabasePath(dataDir));
  const inventory = new Inventory(config, {
    masterKey,
    env: io.env,
    credentialGeneration: (mac) => store.credentials(mac).generation,
    sipGeneration: (mac) => store.credentials(mac).sipGeneration,
  }, 1);
  return { inventory, store, close: () => store.close() };
}
