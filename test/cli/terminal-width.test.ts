/**
 * The audit text report on a real terminal: run under a pseudo-terminal (util-linux `script`) whose width `stty` sets,
 * a line longer than the terminal is wrapped — every target is still there, no line is wider than the terminal, no
 * ellipsis — while the same run piped keeps the line whole.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemPeers } from '../helpers/system-peers.js';

const BIN = join(import.meta.dirname, '../../bin/ghostguard.mjs');
const peers = systemPeers('script');
const TARGETS = Array.from({ length: 12 }, (_, i) => `127.137.9.${i + 1}`);
/** nothing listens on these: the audit reaches no host, and still prints its header with every target */
const QUIET_PORTS = ['--sip-ports', '20999', '--http-ports', '20998', '--https-ports', '20997', '--snmp-port', '20996'];
const ARGS = ['audit', ...TARGETS, '--example', '--no-store', '--timeout', '200', '--retries', '0', ...QUIET_PORTS, '--no-default-login'];

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe.skipIf(peers.missing)(`audit text on a terminal${peers.note}`, () => {
  it('wraps to the terminal width under a pseudo-TTY and keeps lines whole when piped', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'gg-tty-'));
    const command = `stty cols 64; ${[process.execPath, BIN, ...ARGS].map(shellQuote).join(' ')}`;
    const tty = spawnSync(peers.path('script'), ['-qec', command, '/dev/null'], { cwd, encoding: 'utf8', timeout: 60_000 });
    const ttyLines = tty.stdout
      .replace(/\r/g, '\n')
      .split('\n')
      .map((l) => l.replace(/\x1b\[K/g, ''));
    const start = ttyLines.findIndex((l) => l.startsWith('ghostguard audit '));
    const end = ttyLines.findIndex((l) => l.includes('hosts scanned'));
    const header = ttyLines.slice(start, end).filter(Boolean);
    expect(header.length).toBeGreaterThan(1);
    for (const line of header) expect(line.length).toBeLessThanOrEqual(64);
    for (const line of header.slice(1)) expect(line).toMatch(/^ {4}127\./);
    expect(
      header
        .join(' ')
        .split(/\s+/)
        .filter((w) => w.startsWith('127.')),
    ).toEqual(TARGETS);
    expect(tty.stdout).not.toContain('…');

    const piped = spawnSync(process.execPath, [BIN, ...ARGS], { cwd, encoding: 'utf8', timeout: 60_000 });
    const line = piped.stdout.split('\n').find((l) => l.startsWith('ghostguard audit '));
    expect(line).toContain(`targets: ${TARGETS.join(' ')}`);
    expect(line!.length).toBeGreaterThan(64);
  }, 60_000);
});
