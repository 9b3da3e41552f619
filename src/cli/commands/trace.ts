/** `ghostguard trace <file>`: scanner traffic, unsolicited INVITEs and answering phones in a pcap/pcapng capture or SIP log. */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import ipaddr from 'ipaddr.js';
import { GhostguardError } from '../../model/errors.js';
import { DEFAULT_FAIL_ON, SEVERITY_ORDER, type Severity } from '../../model/rules.js';
import { readConfig } from '../../provisioning/config-source.js';
import { formatIssue } from '../../model/config-issues.js';
import { DEFAULT_SWEEP_THRESHOLD, DEFAULT_SWEEP_WINDOW } from '../../trace/analyse.js';
import type { TrustedEntry } from '../../trace/trust.js';
import { buildReport, failsAt, reportJson, reportTable } from '../../trace/report.js';
import { traceFile, trustFromConfig } from '../../trace/trace-file.js';
import { catalogue } from '../context.js';
import { EXIT, type CliIo } from '../io.js';

export interface TraceOptions {
  config?: string;
  trusted?: string;
  json?: boolean;
  failOn?: string;
  sweepThreshold?: number;
  sweepWindow?: number;
}

export async function traceCommand(file: string, options: TraceOptions, io: CliIo): Promise<number> {
  const failOn = (options.failOn ?? DEFAULT_FAIL_ON) as Severity;
  if (!SEVERITY_ORDER.includes(failOn)) throw new GhostguardError('GG_ERR_USAGE', `--fail-on must be one of ${SEVERITY_ORDER.join(', ')}`);
  const trusted: TrustedEntry[] = [];
  let configFile: string | undefined;
  if (options.config) {
    configFile = resolve(io.cwd, options.config);
    const { config, issues } = readConfig(configFile, catalogue);
    if (!config) throw new GhostguardError('GG_ERR_CONFIG_INVALID', undefined, issues.map(formatIssue));
    trusted.push(...trustFromConfig(config));
  }
  const listed = (options.trusted ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const t of listed) {
    if (!ipaddr.isValid(t) && !ipaddr.isValidCIDR(t))
      throw new GhostguardError('GG_ERR_USAGE', `--trusted: "${t}" is not an IP address or CIDR range`);
    trusted.push({ address: t, source: 'option' });
  }
  const path = resolve(io.cwd, file);
  if (!existsSync(path) || !statSync(path).isFile()) {
    io.err(`error: cannot read capture ${file}: no such file\n`);
    return EXIT.error;
  }
  const sweepThreshold = options.sweepThreshold ?? DEFAULT_SWEEP_THRESHOLD;
  const sweepWindowSeconds = options.sweepWindow ?? DEFAULT_SWEEP_WINDOW;
  const result = await traceFile(path, { trusted, sweepThreshold, sweepWindowSeconds });
  const reportOptions: { config?: string; trusted: string[]; sweepThreshold: number; sweepWindowSeconds: number } = {
    trusted: listed,
    sweepThreshold,
    sweepWindowSeconds,
  };
  if (configFile) reportOptions.config = configFile;
  if (!result.malformed && result.stats.format === 'text' && result.stats.sipMessages === 0) {
    throw new GhostguardError(
      'GG_ERR_TRACE_NOT_SIP',
      `${file} is neither a pcap/pcapng capture nor a SIP log: a text file without a single SIP message`,
    );
  }
  const report = buildReport({
    file,
    stats: result.stats,
    analysis: result.analysis,
    options: reportOptions,
    ...(result.malformed ? { malformed: result.malformed } : {}),
  });
  io.out(options.json ? reportJson(report) : reportTable(report));
  if (result.malformed) {
    io.err(`error ${result.malformed.message}\n  the report above covers everything before that offset\n`);
    return EXIT.error;
  }
  return failsAt(report, failOn) ? EXIT.findings : EXIT.ok;
}
