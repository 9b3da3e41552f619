import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error a plain ESM script without type declarations
import { findVendorIds, vendorIds } from '../../scripts/check-vendor-ids.mjs';

const root = join(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'gg-vendor-ids-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(scratch, 't-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe('no vendor id outside vendors/', () => {
  it('reads the ids from the vendor folders, and src/ names none of them', () => {
    expect(vendorIds(root)).toEqual(expect.arrayContaining(['yealink', 'polycom', 'grandstream']));
    expect(findVendorIds(root)).toEqual([]);
  });

  it('finds an id compared in code, quoted any way, and not one in a comment', () => {
    const dir = tree({
      'vendors/acme/index.ts': "export const acme = {\n  id: 'acme',\n};\n",
      'vendors/_shared/x.ts': "export const x = 'acme';\n",
      'src/core/a.ts': "// 'acme' is fine in a comment\n/* and 'acme' here */\nexport const f = (v: { id: string }) => v.id === 'acme';\n",
      'src/core/b.ts': 'export const g = ["ACME", `acme`];\n',
    });
    expect(findVendorIds(dir)).toEqual(["src/core/a.ts:3: 'acme'", 'src/core/b.ts:1: "ACME"', 'src/core/b.ts:1: `acme`']);
  });
});
