/**
 * Terminal behaviour of the real process: a reader that goes away (`| head`) ends the command quietly, exit 0, no
 * EPIPE stack trace; `trace` refuses a file that is neither a capture nor a SIP log with exit 2; audit and trace share
 * one --fail-on default; an audit that reached no host is not a clean exit.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

const BIN = join(import.meta.dirname, '../../bin/ghostguard.mjs');

/** Runs the CLI with its stdout read end closed at once, as `| head -0` would; returns exit code and stderr. */
function withClosedReader(args: string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => void (stderr += d));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

function run(args: string[], cwd = tmpdir()) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, cwd, isTty: false };
  return main(args, io).then((code) => ({ code, out, err }));
}

describe('terminal output', () => {
  it('a reader that goes away ends the command quietly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gg-epipe-'));
    const r = await withClosedReader(['render', '00:15:65:00:00:01', '--example', '--explain'], dir);
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(r.code).toBe(0);
  }, 60_000);

  it('trace refuses a text file without SIP: exit 2, named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gg-notsip-'));
    writeFileSync(join(dir, 'notes.txt'), 'shopping list\neggs\nmilk\n');
    const r = await run(['trace', 'notes.txt'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'error GG_ERR_TRACE_NOT_SIP: notes.txt is neither a pcap/pcapng capture nor a SIP log: a text file without a single SIP message\n',
    );
    expect(r.out).toBe('');
  });

  it('audit and trace document the same --fail-on default', async () => {
    const audit = await run(['audit', '--help']);
    const trace = await run(['trace', '--help']);
    const defaultOf = (help: string) => /--fail-on <severity>\s+[^(]*\(default (\w+)\)/.exec(help)?.[1];
    expect(defaultOf(audit.out)).toBe('high');
    expect(defaultOf(trace.out)).toBe('high');
  });

  it('an audit that reached no host exits 2 and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gg-empty-audit-'));
    const r = await run(
      [
        'audit',
        '127.126.3.1',
        '--example',
        '--no-store',
        '--timeout',
        '200',
        '--retries',
        '0',
        '--sip-ports',
        '20999',
        '--http-ports',
        '20998',
        '--https-ports',
        '20997',
        '--snmp-port',
        '20996',
        '--no-default-login',
      ],
      dir,
    );
    expect(r.err).toMatch(/no host answered any probe \(1 scanned\): nothing was audited/);
    expect(r.code).toBe(2);
  }, 30_000);
});
