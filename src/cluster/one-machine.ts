/**
 * What every scope that is one machine — a lone process, or the workers of one `serve` — answers alike: the replica
 * list is itself, and one file never differs from itself.
 */
import { hostname } from 'node:os';
import type { ReplicaInfo } from './coordination.js';

export abstract class OneMachineCoordination {
  private inventoryVersion = '';
  private readonly since = new Date().toISOString();

  publishInventory(version: string): void {
    this.inventoryVersion = version;
  }

  async replicas(): Promise<ReplicaInfo[]> {
    return [{ id: `${hostname()}:${process.pid}`, inventoryVersion: this.inventoryVersion, seenAt: this.since, self: true }];
  }

  /** one machine reads one file: its processes never differ */
  onInventoryMismatch(_listener: (replicas: ReplicaInfo[]) => void): void {}
}
