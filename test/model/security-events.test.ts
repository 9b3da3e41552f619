/** One list of security-event reasons: every reason the code emits is in it, every reason in it is emitted, and the README documents each. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SECURITY_REASONS, SECURITY_REASON_LIST } from '../../src/model/security-events.js';

const ROOT = new URL('../../', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

const EMITTING = /events\.emit\(|recordEvent\(|\breject\(|\bdeny\(|SecurityReason/;

function emittingFiles(): { file: string; text: string }[] {
  return [...sources('src'), ...sources('vendors')]
    .filter((file) => !file.endsWith('security-events.ts'))
    .map((file) => ({ file: file.slice(ROOT.length), text: readFileSync(file, 'utf8') }))
    .filter(({ text }) => EMITTING.test(text));
}

/** Reasons written at an emitting site: `reason: '…'` in files that record events, and authorize's `deny('…')`. */
function emittedReasons(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const { file, text } of emittingFiles()) {
    for (const m of text.matchAll(/\breason: '([a-z][a-z0-9-]*)'|\bdeny\('([a-z][a-z0-9-]*)'/g)) {
      const reason = (m[1] ?? m[2])!;
      found.set(reason, [...(found.get(reason) ?? []), file]);
    }
  }
  return found;
}

/** Every list reason quoted in a file that records events (a reason may be chosen by an expression before it is emitted). */
function quotedReasons(): Set<string> {
  const quoted = new Set<string>();
  for (const { text } of emittingFiles()) for (const r of SECURITY_REASON_LIST) if (text.includes(`'${r}'`)) quoted.add(r);
  return quoted;
}

function readmeTable(): Map<string, string> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Security events'));
  const rows = new Map<string, string>();
  for (const m of section.slice(0, section.indexOf('\n#')).matchAll(/^\| `([a-z0-9-]+)` \| (\w+) \|/gm)) rows.set(m[1]!, m[2]!);
  return rows;
}

describe('security event reasons', () => {
  const emitted = emittedReasons();

  it('finds the emitting sites (the scan itself works)', () => {
    expect(emitted.size).toBeGreaterThan(10);
  });

  it('every reason emitted anywhere is in the list', () => {
    const unknown = [...emitted.keys()].filter((r) => !(r in SECURITY_REASONS));
    expect(
      unknown,
      `emitted but not in src/model/security-events.ts: ${unknown.map((r) => `${r} (${emitted.get(r)})`).join(', ')}`,
    ).toEqual([]);
  });

  it('every reason in the list is emitted somewhere', () => {
    const quoted = quotedReasons();
    expect(SECURITY_REASON_LIST.filter((r) => !emitted.has(r) && !quoted.has(r))).toEqual([]);
  });

  it("the README's event table documents exactly the list, with the same severities", () => {
    const table = readmeTable();
    expect(table.size).toBeGreaterThan(0);
    expect([...table.keys()].sort()).toEqual([...SECURITY_REASON_LIST].sort());
    for (const [reason, severity] of table)
      expect(severity, reason).toBe(SECURITY_REASONS[reason as keyof typeof SECURITY_REASONS].severity);
  });
});
