/**
 * The boot-storm bench's closing table: one line per storm, and with several rounds the median of each fleet size
 * over its valid storms. On a VM whose speed drifts, one storm's CPU per request can move by a fifth between two runs
 * of one build; a median over rounds that alternate the sizes is what a target is read from.
 */
import type { WrkResult } from './wrk.js';

export interface StormFigures {
  devices: number;
  round: number;
  gg: WrkResult;
  ggCpuUs: number;
  ggRss: number;
  ng: WrkResult;
  floor: WrkResult;
  /** CPU seconds each used in its storm: far under its share of the cores means the machine was busy elsewhere */
  cpuSeconds: { ghostguard: number; floor: number };
}

export interface Validity {
  seconds: number;
  /** cores a server may use in its storm: one per process, the load generator's excepted */
  serverCores: number;
  /** the share of those cores' time under which a server was starved */
  starved: number;
}

export const fmt = (n: number, d = 1): string => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

export function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Why a storm's figures are not a measurement: answers other than the file (cheap), or a starved server. */
export function problems(r: StormFigures, v: Validity): string[] {
  const out: string[] = [];
  if (r.gg.non2xx > 0) out.push(`${r.gg.non2xx} of ${r.gg.requests} ghostguard answers were not 2xx`);
  for (const [server, used] of Object.entries(r.cpuSeconds))
    if (used < v.starved * v.seconds * v.serverCores)
      out.push(
        `${server} had ${fmt(used)} s of CPU in its ${v.seconds} s storm (under ${100 * v.starved} % of ${v.serverCores} core(s)): the machine was busy elsewhere`,
      );
  return out;
}

const change = (value: number, base: number) => `${value >= base ? '+' : ''}${fmt((100 * (value - base)) / base)} %`;
const cells = (widths: number[], values: string[]) => values.map((v, i) => v.padStart(widths[i]!)).join(' ');

const RUN_WIDTHS = [5, 8, 8, 8, 8, 8, 9, 8, 8, 8];
const MEDIAN_WIDTHS = [8, 6, 8, 8, 8, 8, 17, 9, 8, 8, 8];

/** The summary's lines: every storm in the order it ran, then (several rounds) the medians per fleet size. */
export function summary(results: StormFigures[], v: Validity): string[] {
  const smallest = Math.min(...results.map((r) => r.devices));
  const rounds = Math.max(...results.map((r) => r.round));
  const valid = (r: StormFigures) => problems(r, v).length === 0;
  const baseOf = (round: number) => results.find((r) => r.devices === smallest && r.round === round)?.ggCpuUs ?? Number.NaN;
  const lines = [
    cells(RUN_WIDTHS, ['round', 'devices', 'req/s', '% floor', '% nginx', 'µs/req', `vs ${smallest}`, 'p50 ms', 'p99 ms', 'RSS MB']),
  ];
  for (const r of results) {
    lines.push(
      cells(RUN_WIDTHS, [
        String(r.round),
        String(r.devices),
        fmt(r.gg.requestsPerSecond, 0),
        fmt((100 * r.gg.requestsPerSecond) / r.floor.requestsPerSecond),
        fmt((100 * r.gg.requestsPerSecond) / r.ng.requestsPerSecond),
        fmt(r.ggCpuUs),
        change(r.ggCpuUs, baseOf(r.round)),
        fmt(r.gg.p50Ms, 2),
        fmt(r.gg.p99Ms, 2),
        fmt(r.ggRss),
      ]),
    );
    for (const p of problems(r, v)) lines.push(`      ^ ${p}: not a valid measurement`);
  }
  if (rounds < 2) return lines;
  lines.push('', `medians over the valid storms of ${rounds} rounds (sizes alternate within a round)`);
  lines.push(
    cells(MEDIAN_WIDTHS, [
      'devices',
      'valid',
      'req/s',
      '% floor',
      '% nginx',
      'floor/s',
      'µs/req (range)',
      `vs ${smallest}`,
      'p50 ms',
      'p99 ms',
      'RSS MB',
    ]),
  );
  const sizes = [...new Set(results.map((r) => r.devices))].sort((a, b) => a - b);
  const validRuns = (n: number) => results.filter((r) => r.devices === n && valid(r));
  const base = median(validRuns(smallest).map((r) => r.ggCpuUs));
  for (const n of sizes) {
    const runs = validRuns(n);
    const us = runs.map((r) => r.ggCpuUs);
    const of = (pick: (r: StormFigures) => number) => median(runs.map(pick));
    lines.push(
      cells(MEDIAN_WIDTHS, [
        String(n),
        `${runs.length}/${results.filter((r) => r.devices === n).length}`,
        fmt(
          of((r) => r.gg.requestsPerSecond),
          0,
        ),
        fmt(of((r) => (100 * r.gg.requestsPerSecond) / r.floor.requestsPerSecond)),
        fmt(of((r) => (100 * r.gg.requestsPerSecond) / r.ng.requestsPerSecond)),
        fmt(
          of((r) => r.floor.requestsPerSecond),
          0,
        ),
        runs.length ? `${fmt(median(us))} (${fmt(Math.min(...us), 0)}–${fmt(Math.max(...us), 0)})` : 'n/a',
        change(median(us), base),
        fmt(
          of((r) => r.gg.p50Ms),
          2,
        ),
        fmt(
          of((r) => r.gg.p99Ms),
          2,
        ),
        fmt(Math.max(...runs.map((r) => r.ggRss))),
      ]),
    );
  }
  return lines;
}
