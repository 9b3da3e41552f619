/** The error catalogue, its README table and the code that throws: one set of codes, no unused or undocumented one. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asGhostguardError, ERROR_CATALOGUE, GhostguardError } from '../../src/model/errors.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const CODES = Object.keys(ERROR_CATALOGUE);

function sources(): { file: string; text: string }[] {
  return ['src', 'vendors'].flatMap((dir) =>
    readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && /\.(ts|mjs)$/.test(e.name))
      .map((e) => join(e.parentPath, e.name))
      .filter((f) => !f.endsWith('src/model/errors.ts'))
      .map((file) => ({ file: file.slice(ROOT.length), text: readFileSync(file, 'utf8') })),
  );
}

function readmeTable(): Map<string, { status: number; exit: number }> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Errors'));
  const rows = new Map<string, { status: number; exit: number }>();
  for (const m of section.slice(0, section.indexOf('\n#')).matchAll(/^\| `(GG_ERR_[A-Z_]+)` \| .+ \| (\d{3}) \| (\d+) \|$/gm)) {
    rows.set(m[1]!, { status: Number(m[2]), exit: Number(m[3]) });
  }
  return rows;
}

describe('error catalogue', () => {
  const files = sources();
  const used = new Map<string, string[]>();
  for (const { file, text } of files)
    for (const m of text.matchAll(/\bGG_ERR_[A-Z_]*[A-Z]\b/g)) used.set(m[0], [...(used.get(m[0]) ?? []), file]);

  it('every code written anywhere in src/ or vendors/ is in the catalogue', () => {
    expect(used.size).toBeGreaterThan(10);
    const unknown = [...used.keys()].filter((c) => !CODES.includes(c));
    expect(unknown, unknown.map((c) => `${c} in ${used.get(c)}`).join('; ')).toEqual([]);
  });

  it('every code in the catalogue is used somewhere (no dead code)', () => {
    expect(CODES.filter((c) => !used.has(c))).toEqual([]);
  });

  it('every thrown error carries a code: no plain `new Error(` outside browser scripts', () => {
    const plain = files.filter(({ file, text }) => file !== 'src/dashboard/assets.ts' && /\bnew Error\(/.test(text)).map((f) => f.file);
    expect(plain).toEqual([]);
  });

  it("the README's error table documents exactly the catalogue, with its HTTP and exit statuses", () => {
    const table = readmeTable();
    expect(table.size).toBeGreaterThan(0);
    expect([...table.keys()].sort()).toEqual([...CODES].sort());
    for (const [code, spec] of table) {
      const entry = ERROR_CATALOGUE[code as keyof typeof ERROR_CATALOGUE];
      expect(spec, code).toEqual({ status: entry.status, exit: entry.exit });
    }
  });

  it('codes follow GG_ERR_<AREA>_<WHAT>; statuses are HTTP errors; exits are non-zero', () => {
    for (const [code, spec] of Object.entries(ERROR_CATALOGUE)) {
      expect(code).toMatch(/^GG_ERR_[A-Z]+(_[A-Z]+)*$/);
      expect(spec.status >= 400 && spec.status < 600, code).toBe(true);
      expect(spec.exit, code).toBeGreaterThan(0);
    }
  });

  it('an error takes its status and exit from the catalogue; anything else is internal', () => {
    const e = new GhostguardError('GG_ERR_TARGET_FORBIDDEN');
    expect([e.message, e.status, e.exitCode]).toEqual(['the audit target is outside the allowed ranges', 403, 2]);
    expect(new GhostguardError('GG_ERR_CONFIG_INVALID').exitCode).toBe(1);
    const wrapped = asGhostguardError(new RangeError('boom'));
    expect([wrapped.code, wrapped.message, wrapped.status]).toEqual(['GG_ERR_INTERNAL', 'boom', 500]);
  });
});
