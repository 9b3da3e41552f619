/**
 * --gc: the server's garbage collections over the storm alone, read from V8's `--trace-gc-nvp` lines on its stdout
 * (one line per collection, `name=value` pairs). Per request: the main thread's pauses, the helpers' share of
 * scavenges, and the bytes promoted to the old generation, the work that grows with what outlives a request.
 */
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';

interface Collection {
  isolate: string;
  kind: string;
  fields: Map<string, number>;
}

export class GcTrace {
  private readonly collections: Collection[] = [];

  attach(stdout: Readable): void {
    createInterface({ input: stdout }).on('line', (line) => {
      const head = /^\[\d+:(0x[0-9a-f]+)\]\s+\d+ ms: (.*\bgc=(\w+).*)$/.exec(line);
      if (!head) return;
      const fields = new Map<string, number>();
      for (const [, name, value] of head[2]!.matchAll(/([\w.]+)=([0-9.]+)(?=\s|$)/g)) fields.set(name!, Number(value));
      this.collections.push({ isolate: head[1]!, kind: head[3]!, fields });
    });
  }

  /** where the storm starts or ends, for summary() */
  mark(): number {
    return this.collections.length;
  }

  /** The main thread's isolate (the one that collected most in the window) over [from, to), per request. */
  summary(from: number, to: number, requests: number): string {
    const window = this.collections.slice(from, to);
    const count = new Map<string, number>();
    for (const c of window) count.set(c.isolate, (count.get(c.isolate) ?? 0) + 1);
    const main = [...count].sort((a, b) => b[1] - a[1])[0]?.[0];
    const mine = window.filter((c) => c.isolate === main);
    const scavenges = mine.filter((c) => c.kind === 's');
    const full = mine.filter((c) => c.kind !== 's');
    const sum = (list: Collection[], field: string) => list.reduce((n, c) => n + (c.fields.get(field) ?? 0), 0);
    const perRequest = (ms: number) => ((1000 * ms) / requests).toFixed(1);
    return [
      `${scavenges.length} scavenges: main ${perRequest(sum(scavenges, 'pause'))} µs/req, helpers ${perRequest(sum(scavenges, 'background.scavenge.parallel'))} µs/req`,
      // a full collection's main-thread work: its final pause and the incremental marking steps before it
      `${full.length} full collections: main ${perRequest(sum(full, 'pause') + sum(full, 'incremental'))} µs/req`,
      `promoted ${Math.round(sum(scavenges, 'promoted') / requests)} B/req`,
      // what one answer can wait behind: a pause, or one incremental marking step
      `longest stop ${Math.max(0, ...mine.flatMap((c) => [c.fields.get('pause') ?? 0, c.fields.get('incremental_longest_step') ?? 0])).toFixed(1)} ms`,
    ].join('; ');
  }
}
