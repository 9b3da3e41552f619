/** The replica list of a scope that is one machine (a lone process, or the workers of one serve): itself. */
import { hostname } from 'node:os';
import type { ReplicaInfo } from './coordination.js';

export class LocalReplica {
  private version = '';
  private readonly since = new Date().toISOString();

  publish(version: string): void {
    this.version = version;
  }

  async list(): Promise<ReplicaInfo[]> {
    return [{ id: `${hostname()}:${process.pid}`, inventoryVersion: this.version, seenAt: this.since, self: true }];
  }
}
