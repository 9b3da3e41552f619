/**
 * What the processes serving one installation must share, whatever shares it: one process alone, the workers of one
 * `serve --workers` (IPC to the primary), or any number of replicas on one PostgreSQL database. The composition root
 * picks the implementation; provisioning, dashboard and schedules never name it — they get its functions.
 */
import type { AbuseGuard } from '../provisioning/abuse-guard.js';

export type CoordinationScope = 'process' | 'workers' | 'postgres';

/** What GET /api/status shows of the coordination. */
export interface CoordinationStatus {
  scope: CoordinationScope;
  /** false while the shared database cannot be reached (Digest claims are then refused: device files fail closed) */
  connected: boolean;
  /** this process runs the scheduled audits */
  leader: boolean;
}

/** One replica (or this lone process) as the others see it. */
export interface ReplicaInfo {
  id: string;
  /** sha256 of the configuration file it serves, first 16 hex digits */
  inventoryVersion: string;
  seenAt: string;
  self: boolean;
}

export interface Coordination {
  readonly scope: CoordinationScope;
  /**
   * A Digest nonce-count whose response this process verified: true the first time anywhere in the scope, false after
   * (a replay). Asked before the file is served; rejects when it cannot tell (the shared database unreachable),
   * which the caller treats as a refusal that is not the phone's fault.
   */
  claimNonce(nonce: string, count: number): Promise<boolean>;
  /**
   * This process's abuse guard joins the scope: its denials, refunds and canary hits count for all, and bans decided
   * anywhere (standing ones included) reach it. `announce` is called in the process whose report tipped a ban, which
   * writes the `banned` event. Returns a function that leaves.
   */
  shareGuard(guard: AbuseGuard, announce: (address: string) => void): () => void;
  /** This process now serves this inventory version (at start and after every reload). */
  publishInventory(version: string): void;
  /** The replicas alive now, this one included. */
  replicas(): Promise<ReplicaInfo[]>;
  /** `listener` runs when the replicas alive serve different inventory versions (once per different set). */
  onInventoryMismatch(listener: (replicas: ReplicaInfo[]) => void): void;
  status(): CoordinationStatus;
  /** true while this process is the one of the scope that runs scheduled audits */
  isLeader(): boolean;
  close(): Promise<void>;
}
