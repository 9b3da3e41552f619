/**
 * Reading the config file: a size cap checked before a byte is read, then the pure parse. The server's reloads run
 * this in a thread of their own (config-parse-thread.mjs), so parsing never holds up the thread that answers phones.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ConfigIssue } from '../model/config-issues.js';
import { parseConfig, type ModelCatalogue } from '../model/config-parse.js';
import type { FleetConfig } from '../model/config-types.js';
import { GhostguardError } from '../model/errors.js';

/** the largest config file read at all: 64 MiB holds ~300,000 devices; a bigger file is refused unread */
export const MAX_CONFIG_BYTES = 64 * 1024 * 1024;

export interface ConfigRead {
  config?: FleetConfig;
  issues: ConfigIssue[];
  /** problems that do not stop the config from loading (a model outside the catalogue) */
  warnings?: ConfigIssue[];
}

/**
 * Reads and parses a config file. Relative file paths inside it (server.dataDir, server.tls cert/key, server.stockFiles) are resolved
 * against `baseDir` — the config file's own directory unless the caller says otherwise — so the same file means the
 * same state (and the same derived passwords) from whichever directory a command runs.
 */
export function readConfig(path: string, catalogue: ModelCatalogue, baseDir = dirname(resolve(path))): ConfigRead {
  if (!existsSync(path)) throw new GhostguardError('GG_ERR_CONFIG_NOT_FOUND', `configuration file not found: ${path}`);
  const size = statSync(path).size;
  if (size > MAX_CONFIG_BYTES) {
    return {
      issues: [
        {
          file: path,
          line: 1,
          field: '(file)',
          message: `${(size / 1048576).toFixed(1)} MB is more than the ${MAX_CONFIG_BYTES / 1048576} MB a configuration may have; not read`,
        },
      ],
    };
  }
  const parsed = parseConfig(readFileSync(path, 'utf8'), path, catalogue);
  if (!parsed.config) return parsed;
  // a copy: the parsed values are slices of the file's text, and any one of them kept would keep the whole text alive
  // (3 MB for 20,000 devices, for the life of the server)
  const config = structuredClone(withPathsFrom(parsed.config, baseDir));
  return { config, issues: parsed.issues, warnings: parsed.warnings ?? [] };
}

function withPathsFrom(config: FleetConfig, baseDir: string): FleetConfig {
  const s = config.server;
  const tls = s.tls && s.tls !== 'auto' ? { cert: resolve(baseDir, s.tls.cert), key: resolve(baseDir, s.tls.key) } : s.tls;
  const stockFiles = s.stockFiles === undefined ? undefined : resolve(baseDir, s.stockFiles);
  return {
    ...config,
    server: { ...s, dataDir: resolve(baseDir, s.dataDir), ...(tls ? { tls } : {}), ...(stockFiles ? { stockFiles } : {}) },
  };
}

/** issues a reload reports: enough to fix the file, few enough that reporting them costs the phones nothing */
export const RELOAD_ISSUE_LIMIT = 100;

/** The first `limit` issues, and one more saying how many were left out. */
export function firstIssues(issues: ConfigIssue[], limit = RELOAD_ISSUE_LIMIT): ConfigIssue[] {
  if (issues.length <= limit) return issues;
  const first = issues[0]!;
  return [
    ...issues.slice(0, limit),
    {
      file: first.file,
      line: first.line,
      field: '(file)',
      message: `… and ${issues.length - limit} more problems (ghostguard validate lists them all)`,
    },
  ];
}
