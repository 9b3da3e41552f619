/** The trace report: canonical JSON (fixed key order, no wall-clock values) and a text table. */
import type { FindingState } from '../auditor/findings.js';
import { SEVERITY_ORDER, severityAtLeast, type Severity } from '../model/rules.js';
import type { TraceAnalysis } from './analyse.js';
import type { CaptureStats } from './capture.js';
import { fmtTime } from './evidence-text.js';
import { TRACE_CHECK_TITLES, type TraceHostReport } from './findings.js';
import type { TrustedEntry } from './trust.js';

export interface TraceReport {
  format: 'ghostguard-trace';
  version: 1;
  file: string;
  input: {
    format: CaptureStats['format'];
    linktypes: string[];
    bytes: number;
    /** frames (pcap/pcapng) or lines (text log) */
    frames: number;
    sipMessages: { total: number; udp: number; tcp: number; log: number };
    firstTime?: string;
    lastTime?: string;
  };
  /** set when the capture is truncated or malformed: everything before `offset` was analysed */
  incomplete?: { code: 'GG_ERR_TRACE_MALFORMED'; offset: number; message: string };
  options: { config?: string; trusted: string[]; sweepThreshold: number; sweepWindowSeconds: number };
  trusted: TrustedEntry[];
  summary: {
    scanners: number;
    exposedPhones: number;
    unsolicitedTargets: number;
    findings: Record<FindingState, number>;
    /** failing findings per severity */
    failures: Record<Severity, number>;
  };
  hosts: TraceHostReport[];
  notes: string[];
}

export interface ReportContext {
  file: string;
  stats: CaptureStats;
  analysis: TraceAnalysis;
  options: TraceReport['options'];
  malformed?: { offset: number; message: string };
}

export function buildReport(ctx: ReportContext): TraceReport {
  const { stats, analysis } = ctx;
  const findings: Record<FindingState, number> = { pass: 0, fail: 0, unknown: 0, unsupported: 0, disabled: 0 };
  const failures = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<Severity, number>;
  for (const h of analysis.hosts) {
    for (const f of h.findings) {
      findings[f.state]++;
      if (f.state === 'fail') failures[f.severity]++;
    }
  }
  const has = (check: string) => analysis.hosts.filter((h) => h.findings.some((f) => f.check === check)).length;
  const input: TraceReport['input'] = {
    format: stats.format,
    linktypes: stats.linktypes,
    bytes: stats.bytes,
    frames: stats.frames,
    sipMessages: { total: stats.sipMessages, udp: stats.sipUdp, tcp: stats.sipTcp, log: stats.sipLog },
  };
  if (stats.firstTime !== undefined) input.firstTime = fmtTime(stats.firstTime);
  if (stats.lastTime !== undefined) input.lastTime = fmtTime(stats.lastTime);
  const notes = [...analysis.notes];
  const skipped = Object.entries(stats.skipped).filter(([, n]) => n);
  if (skipped.length) notes.push(`frames not decoded: ${skipped.map(([k, n]) => `${n} ${k}`).join(', ')}`);
  const t = stats.tcp;
  if (t.evicted || t.gaps || t.oversized)
    notes.push(`TCP: ${t.flows} flows, ${t.evicted} evicted (flow cap), ${t.gaps} gaps, ${t.oversized} oversized messages dropped`);
  if (analysis.counts.unmatchedResponses)
    notes.push(`${analysis.counts.unmatchedResponses} responses without their request in the capture`);
  const report: TraceReport = {
    format: 'ghostguard-trace',
    version: 1,
    file: ctx.file,
    input,
    options: ctx.options,
    trusted: analysis.trusted,
    summary: {
      scanners: analysis.hosts.filter((h) => h.role === 'scanner').length,
      exposedPhones: has('sip-trusted-only'),
      unsolicitedTargets: analysis.hosts.filter((h) =>
        h.findings.some((f) => f.check === 'unsolicited-invite' || f.check === 'sip-trusted-only'),
      ).length,
      findings,
      failures,
    },
    hosts: analysis.hosts,
    notes,
  };
  if (ctx.malformed) {
    // keep key order canonical: incomplete right after input
    const { format, version, file } = report;
    const rest = { ...report } as Partial<TraceReport>;
    delete rest.format;
    delete rest.version;
    delete rest.file;
    delete rest.input;
    return { format, version, file, input, incomplete: { code: 'GG_ERR_TRACE_MALFORMED', ...ctx.malformed }, ...rest } as TraceReport;
  }
  return report;
}

export function reportJson(report: TraceReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

export function worstFailure(report: TraceReport): Severity | undefined {
  for (const s of [...SEVERITY_ORDER].reverse()) if (report.summary.failures[s] > 0) return s;
  return undefined;
}

export function failsAt(report: TraceReport, threshold: Severity): boolean {
  const worst = worstFailure(report);
  return worst !== undefined && severityAtLeast(worst, threshold);
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function packetList(packets: number[], max = 8): string {
  const shown = packets
    .slice(0, max)
    .map((p) => `#${p}`)
    .join(',');
  return packets.length > max ? `${shown},…` : shown;
}

export function reportTable(report: TraceReport): string {
  const out: string[] = [];
  const i = report.input;
  const sip = i.sipMessages;
  const kind =
    i.format === 'text' ? `text log, ${i.frames} lines` : `${i.format} (${i.linktypes.join(', ') || 'no interfaces'}), ${i.frames} frames`;
  const span = i.firstTime ? `, ${i.firstTime} … ${i.lastTime}` : '';
  out.push(
    `${report.file}: ${kind}, ${sip.total} SIP messages (${sip.udp} UDP, ${sip.tcp} TCP${sip.log ? `, ${sip.log} from the log` : ''})${span}`,
  );
  if (report.incomplete)
    out.push(`INCOMPLETE: ${report.incomplete.message} — results below cover the capture up to byte ${report.incomplete.offset}`);
  const trusted = report.trusted.map((t) => `${t.address} (${t.source}${t.note ? `: ${t.note}` : ''})`);
  out.push(`trusted: ${trusted.length ? trusted.join(', ') : 'none (every source is untrusted)'}`);
  out.push('');
  if (report.hosts.length === 0) {
    out.push('no findings: no scanner traffic, no unsolicited INVITEs from untrusted sources');
  } else {
    const rows: string[][] = [['HOST', 'ROLE', 'SEVERITY', 'CHECK', 'PACKETS']];
    for (const h of report.hosts) for (const f of h.findings) rows.push([h.host, h.role, f.severity, f.check, packetList(f.packets)]);
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    rows.forEach((r, n) => {
      out.push(r.map((cell, c) => (c === r.length - 1 ? cell : pad(cell, widths[c]!))).join('  '));
      if (n === 0) out.push(widths.map((w) => '-'.repeat(w)).join('  '));
    });
    out.push('');
    for (const h of report.hosts) {
      out.push(`${h.host} (${h.role}${h.userAgents.length ? `, User-Agent ${h.userAgents.map((u) => `"${u}"`).join(', ')}` : ''})`);
      for (const f of h.findings) {
        out.push(`  [${f.severity}] ${f.check}: ${TRACE_CHECK_TITLES[f.check]}`);
        for (const e of f.evidence) out.push(`      ${e}`);
        for (const x of f.fix) out.push(`      fix: ${x}`);
      }
    }
  }
  const s = report.summary;
  out.push('');
  out.push(
    `summary: ${s.scanners} scanner${s.scanners === 1 ? '' : 's'}, ${s.exposedPhones} exposed phone${s.exposedPhones === 1 ? '' : 's'}, ${s.unsolicitedTargets} host${s.unsolicitedTargets === 1 ? '' : 's'} reached by unsolicited INVITEs; failures ${SEVERITY_ORDER.slice()
      .reverse()
      .map((sv) => `${sv} ${s.failures[sv]}`)
      .join(', ')}`,
  );
  for (const n of report.notes) out.push(`note: ${n}`);
  return out.join('\n') + '\n';
}
