/** The `schedules:` section: parsed into schedules, or every problem pinned to its line (through `ghostguard validate`). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { parseConfig } from '../../src/model/config-parse.js';
import { parseDuration } from '../../src/model/config-schedule-parse.js';
import { catalogueOf } from '../../src/model/model-catalogue.js';
import { VENDORS } from '../../vendors/index.js';

const BASE = ['server:', '  adminPort: 0', 'sites:', '  hq: { registrar: 127.0.0.10 }', 'devices: []'].join('\n');
const parse = (yaml: string) => parseConfig(yaml, 'gg.yaml', catalogueOf(VENDORS));

describe('interval syntax', () => {
  it('reads seconds, unit suffixes and combinations', () => {
    expect(parseDuration(90)).toBe(90);
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('30s')).toBe(30);
    expect(parseDuration('15m')).toBe(900);
    expect(parseDuration('1h')).toBe(3600);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration('1d')).toBe(86_400);
    expect(parseDuration(' 2H ')).toBe(7200);
  });

  it('refuses everything else', () => {
    for (const bad of ['', 'soon', '15 minutes', '1.5h', '-5', '1h1h', 'h', '5w', 1.5, -1, true, null, [], {}])
      expect(parseDuration(bad), String(bad)).toBeUndefined();
  });
});

describe('schedules: section', () => {
  it('parses a full schedule with defaults filled in', () => {
    const { config, issues } = parse(`${BASE}
schedules:
  - name: lab-quarter-hour
    targets: [127.0.94.1-6, 127.0.95.0/28]
    exclude: 127.0.94.5
    every: 15m
    jitter: 30s
    options: { sipPorts: [5060, 5062], httpPorts: [8080], httpsPorts: [], snmpPort: 1161, timeoutMs: 800, retries: 0, intrusive: false }
    webhook:
      url: https://127.0.0.1:9443/hooks/ghostguard?token=abc
      secret: env:GG_HOOK_SECRET
  - name: nightly
    targets: [127.0.96.1]
    every: 86400
`);
    expect(issues).toEqual([]);
    expect(config!.schedules).toEqual([
      {
        name: 'lab-quarter-hour',
        targets: ['127.0.94.1-6', '127.0.95.0/28'],
        exclude: ['127.0.94.5'],
        everySeconds: 900,
        jitterSeconds: 30,
        index: 0,
        options: {
          sipPorts: [5060, 5062],
          httpPorts: [8080],
          httpsPorts: [],
          snmpPort: 1161,
          timeoutMs: 800,
          retries: 0,
          intrusive: false,
        },
        webhook: {
          url: 'https://127.0.0.1:9443/hooks/ghostguard?token=abc',
          secret: { kind: 'env', name: 'GG_HOOK_SECRET' },
          timeoutMs: 10_000,
          retries: 4,
        },
      },
      { name: 'nightly', targets: ['127.0.96.1'], exclude: [], everySeconds: 86_400, jitterSeconds: 0, options: {}, index: 1 },
    ]);
  });

  it('a config without schedules has none', () => {
    expect(parse(BASE).config!.schedules).toEqual([]);
  });

  it('ghostguard validate reports each problem at its line, never echoing a secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gg-sched-'));
    const lines = [
      BASE, //                                                   1-5
      'schedules:', //                                           6
      '  - name: ok', //                                         7
      '    targets: [127.0.94.1]', //                            8
      '    every: 1h', //                                        9
      '  - name: bad-interval', //                               10
      '    targets: [127.0.94.1]', //                            11
      '    every: every quarter hour', //                        12
      '    colour: red', //                                      13
      '  - name: bad-hook', //                                   14
      '    targets: [127.0.94.1, "not a target!", "@hosts.txt"]', // 15
      '    every: 0', //                                         16
      '    jitter: 2h', //                                       17
      '    options: { sipPorts: [70000], rate: 0, verbose: true }', // 18
      '    webhook:', //                                         19
      '      url: ftp://127.0.0.1/hook', //                      20
      '      secret: short-Secret', //                           21
      '      retries: 50', //                                    22
      '  - name: ok', //                                         23
      '    targets: []', //                                      24
      '    every: 30s', //                                       25
      '    webhook: { url: "http://127.0.0.1:9/x" }', //         26
    ];
    writeFileSync(join(dir, 'gg.yaml'), `${lines.join('\n')}\n`);
    let out = '';
    let err = '';
    const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, cwd: dir, isTty: false };
    expect(await main(['validate', '--config', 'gg.yaml'], io)).toBe(1);
    expect(out).toBe('');
    const got = err
      .trim()
      .split('\n')
      .map((l) => l.replace(/^.*gg\.yaml:/, ''));
    expect(got).toEqual([
      '13: schedules[1].colour: unknown field (expected one of: name, targets, exclude, every, jitter, options, webhook)',
      '12: schedules[1].every: "every quarter hour" is not an interval (e.g. 30s, 15m, 1h, 1h30m, 1d, or a number of seconds)',
      '15: schedules[2].targets[1]: "not a target!": not an address, CIDR, range or host name',
      '15: schedules[2].targets[2]: "@hosts.txt": target files (@file) are not accepted in the configuration',
      '16: schedules[2].every: must be from 1 second to 7 days',
      '18: schedules[2].options.verbose: unknown field (expected one of: sipPorts, httpPorts, httpsPorts, snmpPort, timeoutMs, retries, rate, concurrency, hostGapMs, maxHosts, staleDays, intrusive, defaultLogin, maxDurationMinutes)',
      '18: schedules[2].options.sipPorts: must be a list of at most 16 port numbers',
      '18: schedules[2].options.rate: must be a whole number from 1 to 10000',
      '20: schedules[2].webhook.url: must be an http:// or https:// URL',
      '21: schedules[2].webhook.secret: a literal webhook secret must be at least 16 characters (or use env:NAME or generate)',
      '22: schedules[2].webhook.retries: must be a whole number from 0 to 10',
      '23: schedules[3].name: duplicate schedule name (first declared on line 7)',
      '24: schedules[3].targets: give at least one address, range or CIDR',
      '26: schedules[3].webhook.secret: missing secret (use env:NAME, generate, or a literal of at least 16 characters)',
    ]);
    expect(err).not.toContain('short-Secret');
  });
});
