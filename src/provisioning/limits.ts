/** The phone listeners' limits from the config: the defaults with the config's `server.rateLimits` / `server.connections` over them. */
import type { ServerSettings } from '../model/config-types.js';
import { DEFAULT_LIMITS, type AbuseLimits } from './abuse-guard.js';
import { DEFAULT_CONNECTION_LIMITS, type ConnectionLimits } from './connection-gate.js';

/** The abuse guard's limits: the defaults with the config's `server.rateLimits` over them. */
export function guardLimits(settings: Pick<ServerSettings, 'rateLimits'>): AbuseLimits {
  return { ...DEFAULT_LIMITS, ...settings.rateLimits };
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
