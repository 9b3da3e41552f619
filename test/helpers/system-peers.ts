/**
 * The system programs some tests run as independent peers (Debian packages .ci/run installs). A test file asks for
 * the peers it needs once, at its top:
 *
 *   const peers = systemPeers('sipp', 'svmap');
 *   describe.skipIf(peers.missing)(`real scanners${peers.note}`, () => { … peers.path('sipp') … });
 *
 * On a machine with only Node, a missing peer skips those tests and prints ONE line naming the Debian package to
 * install. Under CI=true a missing peer is a failure instead (the file fails to load with the same message), so CI
 * never passes by skipping. GG_HIDE_PEERS=all npx vitest run shows what a machine with only Node does.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, delimiter, join } from 'node:path';

interface PeerSpec {
  /** the program's file name */
  readonly bin: string;
  /** the Debian package that installs it */
  readonly pkg: string;
  /** directories searched besides $PATH and the sbin directories */
  readonly extraDirs?: () => string[];
}

const postgresBinDirs = (): string[] => {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, 'bin'));
};

export const PEERS = {
  sipp: { bin: 'sipp', pkg: 'sip-tester' },
  svmap: { bin: 'svmap', pkg: 'sipvicious' },
  snmpd: { bin: 'snmpd', pkg: 'snmpd' },
  snmpget: { bin: 'snmpget', pkg: 'snmp' },
  chromium: { bin: 'chromium', pkg: 'chromium' },
  nft: { bin: 'nft', pkg: 'nftables' },
  iptables: { bin: 'iptables', pkg: 'iptables' },
  tcpdump: { bin: 'tcpdump', pkg: 'tcpdump' },
  nmap: { bin: 'nmap', pkg: 'nmap' },
  curl: { bin: 'curl', pkg: 'curl' },
  openssl: { bin: 'openssl', pkg: 'openssl' },
  script: { bin: 'script', pkg: 'bsdutils' },
  nginx: { bin: 'nginx', pkg: 'nginx-light' },
  wrk: { bin: 'wrk', pkg: 'wrk' },
  haproxy: { bin: 'haproxy', pkg: 'haproxy' },
  postgres: { bin: 'postgres', pkg: 'postgresql', extraDirs: postgresBinDirs },
  initdb: { bin: 'initdb', pkg: 'postgresql', extraDirs: postgresBinDirs },
  pg_ctl: { bin: 'pg_ctl', pkg: 'postgresql', extraDirs: postgresBinDirs },
  psql: { bin: 'psql', pkg: 'postgresql-client' },
  pg_dump: { bin: 'pg_dump', pkg: 'postgresql-client' },
  sqlite3: { bin: 'sqlite3', pkg: 'sqlite3' },
} as const satisfies Record<string, PeerSpec>;

export type PeerName = keyof typeof PEERS;

/** GG_HIDE_PEERS=sipp,chromium (or =all) makes those peers look absent: a fresh machine, simulated. */
const hiddenPeers = (): Set<string> =>
  new Set(
    (process.env.GG_HIDE_PEERS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
export const peerHidden = (name: string): boolean => hiddenPeers().has(name) || hiddenPeers().has('all');

/** The absolute path of a peer program, or undefined when it is not installed. */
export function findPeer(name: PeerName): string | undefined {
  if (peerHidden(name)) return undefined;
  const spec: PeerSpec = PEERS[name];
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin', '/bin', ...(spec.extraDirs?.() ?? [])];
  for (const d of dirs) if (d && existsSync(join(d, spec.bin))) return join(d, spec.bin);
  return undefined;
}

export interface SystemPeers {
  /** true when at least one peer is missing (and not under CI): skip the tests that need them */
  readonly missing: boolean;
  /** '' when every peer is here, else " — skipped: needs sipp (apt-get install sip-tester)" for a test title */
  readonly note: string;
  /** the peer's absolute path (throws if missing: only call it inside tests that are not skipped) */
  path(name: PeerName): string;
}

export const underCi = (): boolean => /^(1|true|yes)$/i.test(process.env.CI ?? '');

const announced = new Set<string>();

/** The test file that called systemPeers, for the skip line (from the call stack; the helper's own frames left out). */
function callerFile(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  for (const f of frames) {
    const m = /(?:file:\/\/)?(\/[^:()]+\.test\.[cm]?[jt]s)/.exec(f);
    if (m) return m[1]!.replace(/^.*?\/(test\/)/, '$1');
  }
  return 'a test file';
}

/** Looks the peers up once; see the file comment for the contract. */
export function systemPeers(...names: PeerName[]): SystemPeers {
  const paths = new Map<PeerName, string>();
  const absent: PeerName[] = [];
  for (const n of names) {
    const p = findPeer(n);
    if (p) paths.set(n, p);
    else absent.push(n);
  }
  const packages = [...new Set(absent.map((n) => PEERS[n].pkg))];
  const need = absent.length ? `needs ${absent.join(', ')} (apt-get install ${packages.join(' ')})` : '';
  if (absent.length && underCi()) {
    throw new Error(`CI=true and a system peer is missing: ${callerFile()} ${need}`);
  }
  if (absent.length) {
    const line = `skipped ${callerFile()}: ${need}`;
    if (!announced.has(line)) {
      announced.add(line);
      process.stderr.write(`${line}\n`);
    }
  }
  return {
    missing: absent.length > 0,
    note: absent.length ? ` — skipped: ${need}` : '',
    path(name: PeerName): string {
      const p = paths.get(name) ?? findPeer(name);
      if (!p) throw new Error(`${basename(PEERS[name].bin)} is not installed (Debian package ${PEERS[name].pkg})`);
      return p;
    },
  };
}
