import { describe, expect, it } from 'vitest';
import { median, problems, type StormFigures, summary } from '../../bench/lib/storm-summary.js';

const V = { seconds: 10, serverCores: 1, starved: 0.6 };
const wrk = (rps: number, non2xx = 0) => ({ requestsPerSecond: rps, p50Ms: 50, p99Ms: 100, requests: rps * 10, non2xx, errors: '' });
const storm = (devices: number, round: number, us: number, extra: Partial<StormFigures> = {}): StormFigures => ({
  devices,
  round,
  gg: wrk(5000),
  ggCpuUs: us,
  ggRss: 200 + round,
  ng: wrk(25_000),
  floor: wrk(10_000),
  cpuSeconds: { ghostguard: 9, floor: 9 },
  ...extra,
});

describe('the boot-storm summary', () => {
  it('takes the median of an odd and an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('flags answers other than 2xx and a starved server', () => {
    expect(problems(storm(2000, 1, 150), V)).toEqual([]);
    expect(problems(storm(2000, 1, 150, { gg: wrk(5000, 7) }), V)).toEqual(['7 of 50000 ghostguard answers were not 2xx']);
    expect(problems(storm(2000, 1, 150, { cpuSeconds: { ghostguard: 4, floor: 9 } }), V)[0]).toMatch(/^ghostguard had 4\.0 s of CPU/);
  });

  it('one round: a line per storm, its change against the smallest fleet of the same round, no medians', () => {
    const lines = summary([storm(2000, 1, 160), storm(20000, 1, 200)], V);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toContain('+25.0 %');
    expect(lines.join('\n')).not.toContain('medians');
  });

  it('several rounds: medians per size over the valid storms only, the change read from the medians', () => {
    const results = [
      storm(2000, 1, 150),
      storm(20000, 1, 190),
      storm(2000, 2, 170),
      storm(20000, 2, 400, { cpuSeconds: { ghostguard: 3, floor: 9 } }), // starved: left out
      storm(2000, 3, 160),
      storm(20000, 3, 200),
    ];
    const lines = summary(results, V);
    expect(lines.filter((l) => l.includes('not a valid measurement'))).toHaveLength(1);
    // 2,000: median of 150, 170, 160 = 160; 20,000: median of 190 and 200 = 195 → +21.9 %
    expect(lines[lines.length - 2]).toMatch(/^\s+2000\s+3\/3\s.*160\.0 \(150–170\)\s+\+0\.0 %/);
    expect(lines[lines.length - 1]).toMatch(/^\s+20000\s+2\/3\s.*195\.0 \(190–200\)\s+\+21\.9 %/);
    expect(lines[lines.length - 1]).toMatch(/ 203\.0$/); // the highest peak RSS of its valid storms (rounds 1 and 3)
  });
});
