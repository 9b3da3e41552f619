/** A handset check as plain text for a terminal (`ghostguard check`). */
import type { CheckResult } from './check-service.js';

/** Plain text for a terminal: verdict first, then who, what fails and how to fix it, then provisioning. */
export function checkToText(r: CheckResult): string {
  const lines: string[] = [];
  lines.push(r.verdict.headline, ...r.verdict.reasons.map((x) => `  ${x}`));
  if (r.verdict.howToTell) lines.push(`  To tell: ${r.verdict.howToTell}`);
  lines.push(`  INVITE probe: ${r.inviteProbe.note}`, '');
  const p = r.phone;
  const who = [p.vendor, p.model, p.firmware && `firmware ${p.firmware}`].filter(Boolean).join(' ') || 'unknown device';
  lines.push(`Phone:     ${who}`);
  lines.push(`Address:   ${r.host ?? 'unknown'}${r.addressFrom === 'fetch-history' ? ' (from its last fetch)' : ''}`);
  lines.push(`MAC:       ${p.mac ?? 'unknown'}`);
  lines.push(`Site:      ${p.site ?? (p.inInventory ? '' : 'not in the inventory')}${p.disabled ? ' (disabled in the inventory)' : ''}`);
  lines.push(
    `Extension: ${p.extensions.length ? p.extensions.map((e, i) => (p.names[i] && p.names[i] !== e ? `${e} (${p.names[i]})` : e)).join(', ') : '-'}`,
  );
  if (r.failures.length) {
    lines.push('', `Failing rules (${r.failures.length}):`);
    for (const f of r.failures) {
      lines.push(`  ✗ ${f.check} [${f.severity}] ${f.title}`);
      for (const e of f.evidence) lines.push(`      seen: ${e}`);
      for (const x of f.fix) lines.push(`      fix:  ${x}`);
    }
  }
  lines.push('', 'Provisioning:', `  ${r.provisioning.summary}`);
  for (const f of r.provisioning.files) {
    const state = f.current === undefined ? 'cannot compare' : f.current ? 'current' : `NOT current (now ${f.currentSha!.slice(0, 12)}…)`;
    lines.push(`  ${f.file}: ${f.ts} from ${f.source} via ${f.auth}, sha256 ${f.sha256.slice(0, 12)}… — ${state}`);
  }
  if (r.notes.length) lines.push('', ...r.notes.map((n) => `note: ${n}`));
  lines.push('', `checked in ${(r.durationMs / 1000).toFixed(1)} s${r.runId !== undefined ? `, stored as audit run #${r.runId}` : ''}`);
  return lines.join('\n') + '\n';
}
