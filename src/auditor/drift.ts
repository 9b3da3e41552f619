/** Drift: does the phone run what ghostguard last served? From the server's fetch history and the read-back. Pure. */
import type { FetchRecord } from '../store/store.js';
import { finding, type Finding } from './findings.js';
import { clean } from './sanitize.js';

export interface DriftInput {
  host: string;
  /** newest first, as Store.fetchHistory returns it */
  history: readonly FetchRecord[];
  now: Date;
  /** a fetch older than this many days counts as stale */
  staleDays: number;
  /** sha256 of what ghostguard would serve today for the same request; undefined when it cannot tell */
  currentSha: (record: FetchRecord) => string | undefined;
  /** rules the read-back found failing */
  readbackFailures: readonly string[];
}

const short = (sha: string): string => `${sha.slice(0, 12)}…`;
const DAY = 86_400_000;

export function driftFinding(input: DriftInput): Finding {
  const { history } = input;
  if (history.length === 0) {
    return finding(
      'config-drift',
      'fail',
      ['no fetch recorded for this MAC: the phone has never fetched its configuration from ghostguard'],
      ['point the phone at ghostguard (DHCP option 66 or its provisioning URL) and reboot it'],
    );
  }
  const served = history.filter((r) => r.status === 200 && r.sha256);
  if (served.length === 0) {
    const last = history[0]!;
    return finding(
      'config-drift',
      'fail',
      [`the last fetch (${clean(last.file, 80)} at ${last.ts}) was answered ${last.status}; nothing was served recently`],
      ["check the device's credentials and enrolment (ghostguard events) and let it fetch again"],
    );
  }
  const latestPerFile = new Map<string, FetchRecord>();
  for (const r of served) if (!latestPerFile.has(r.file)) latestPerFile.set(r.file, r);
  const evidence: string[] = [];
  const fix: string[] = [];
  const stale: string[] = [];
  let compared = 0;
  for (const r of latestPerFile.values()) {
    const file = clean(r.file, 80);
    evidence.push(`last fetch of ${file}: ${r.ts} from ${clean(r.source, 60)} (sha256 ${short(r.sha256)})`);
    const now = input.currentSha(r);
    if (now === undefined) continue;
    compared++;
    if (now !== r.sha256) stale.push(`${file}: ghostguard now serves sha256 ${short(now)}, the phone last fetched ${short(r.sha256)}`);
  }
  evidence.push(...stale);
  const newest = served[0]!;
  const age = input.now.getTime() - Date.parse(newest.ts);
  const tooOld = Number.isFinite(age) && age > input.staleDays * DAY;
  if (tooOld) evidence.push(`the newest fetch is ${Math.floor(age / DAY)} days old (limit ${input.staleDays})`);
  if (newest.source !== input.host)
    evidence.push(`fetched from ${clean(newest.source, 60)}, audited at ${input.host} (NAT or a changed address)`);
  if (stale.length > 0 || tooOld)
    fix.push('trigger a resync so the phone fetches its current config (reboot it, or a check-sync NOTIFY from the registrar)');
  const localChange = stale.length === 0 && input.readbackFailures.length > 0;
  if (localChange) {
    evidence.push(
      `the phone fetched the current config but runs different settings (${input.readbackFailures.join(', ')}): changed on the phone after the fetch`,
    );
    fix.push('re-provision, and find out who changed the phone locally (web UI, keypad); the per-device admin password should stop it');
  }
  if (stale.length > 0 || tooOld || localChange) return finding('config-drift', 'fail', evidence, fix);
  if (compared === 0)
    return finding('config-drift', 'pass', [...evidence, 'fetched recently; the served files could not be re-rendered for comparison']);
  return finding('config-drift', 'pass', evidence);
}
