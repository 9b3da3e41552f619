/**
 * Which Coordination a server process uses: PostgreSQL when `server.store` is a postgres:// URL (every replica and
 * every worker on it shares through the database), else the one the caller brings (a `serve --workers` worker's IPC),
 * else a lone process's own.
 */
import type { Coordination } from '../cluster/coordination.js';
import { PostgresCoordination } from '../cluster/postgres-coordination.js';
import { ProcessCoordination } from '../cluster/process-coordination.js';
import { GhostguardError } from '../model/errors.js';
import type { ServerSettings } from '../model/config-types.js';
import type { AbuseLimits } from '../provisioning/abuse-guard.js';
import { isPostgresUrl, openPostgresPool } from '../store/postgres-pool.js';

export interface CoordinationChoice {
  settings: Pick<ServerSettings, 'store'>;
  masterKey: Buffer;
  limits: AbuseLimits;
  env: Readonly<Record<string, string | undefined>>;
  given?: Coordination;
  warn: (message: string) => void;
}

export async function chooseCoordination(c: CoordinationChoice): Promise<Coordination> {
  if (!isPostgresUrl(c.settings.store)) return c.given ?? new ProcessCoordination();
  await c.given?.close();
  const pool = openPostgresPool(c.settings.store, c.env);
  try {
    return await PostgresCoordination.open({
      pool,
      ownsPool: true,
      masterKey: c.masterKey,
      limits: c.limits,
      onError: c.warn,
      onLeaderChange: (leader) => c.warn(leader ? 'this replica now runs the schedules' : 'this replica no longer runs the schedules'),
    });
  } catch (err) {
    await pool.end().catch(() => undefined);
    if (err instanceof GhostguardError) throw err;
    throw new GhostguardError('GG_ERR_STORE', `server.store: PostgreSQL not reachable: ${(err as Error).message}`);
  }
}
