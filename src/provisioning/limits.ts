/** The phone listeners' limits from the config: the defaults with the config's `server.rateLimits` / `server.connections` over them. */
import type { ServerSettings } from '../model/config-types.js';
import { DEFAULT_LIMITS, DEFAULT_SPREAD, type AbuseLimits } from './abuse-guard.js';
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './connection-gate.js';
import { DEFAULT_EVENT_FILE, type EventFileLimits } from './event-file.js';
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from './phone-http.js';
import { DEFAULT_UPLOAD_BUDGET, type UploadBudget } from './upload-reader.js';

/** The abuse guard's limits: the defaults with the config's `server.rateLimits` over them. */
export function guardLimits(settings: Pick<ServerSettings, 'rateLimits'>): AbuseLimits {
  const { spreadGuesses, spreadSubnets, ...rest } = settings.rateLimits ?? {};
  return {
    ...DEFAULT_LIMITS,
    ...rest,
    spread: {
      ...DEFAULT_SPREAD,
      ...(spreadGuesses ? { guesses: spreadGuesses } : {}),
      ...(spreadSubnets ? { subnets: spreadSubnets } : {}),
    },
  };
}

/** The phone listeners' connection limits: the defaults with the config's `server.connections` over them. */
export function connectionLimits(settings: Pick<ServerSettings, 'connections'>): ConnectionLimits {
  const c = settings.connections ?? {};
  return {
    perAddress: c.perAddress ?? DEFAULT_CONNECTION_LIMITS.perAddress,
    total: c.total ?? DEFAULT_CONNECTION_LIMITS.total,
    idleMs: c.idleSeconds !== undefined ? c.idleSeconds * 1000 : DEFAULT_CONNECTION_LIMITS.idleMs,
  };
}

/** Per-file upload caps and the in-flight budget: the defaults with the config's `server.uploads` over them. */
export function uploadLimits(settings: Pick<ServerSettings, 'uploads'>): { uploadLimits: UploadLimits; uploadBudget: UploadBudget } {
  const u = settings.uploads ?? {};
  return {
    uploadLimits: {
      overrideBytes: u.overrideKb !== undefined ? u.overrideKb * 1024 : DEFAULT_UPLOAD_LIMITS.overrideBytes,
      logBytes: u.logKb !== undefined ? u.logKb * 1024 : DEFAULT_UPLOAD_LIMITS.logBytes,
    },
    uploadBudget: { ...DEFAULT_UPLOAD_BUDGET, ...(u.inFlightMb !== undefined ? { inFlightBytes: u.inFlightMb * 1024 * 1024 } : {}) },
  };
}

/** events.jsonl's size cap and rotated copies: the defaults with the config's `server.retention` over them. */
export function eventFileLimits(settings: Pick<ServerSettings, 'retention'>): EventFileLimits {
  const r = settings.retention ?? {};
  return {
    ...DEFAULT_EVENT_FILE,
    ...(r.eventsFileMb !== undefined ? { maxBytes: r.eventsFileMb * 1024 * 1024 } : {}),
    ...(r.eventsFiles !== undefined ? { keep: r.eventsFiles } : {}),
  };
}
