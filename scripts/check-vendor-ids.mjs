#!/usr/bin/env node
// "Core never names a vendor": no vendor id as a string literal in src/ (comments stripped). The ids are the `id:` of
// each adapter folder's index.ts under vendors/ (_shared excluded), so a new vendor folder is covered by adding it.
// Usage: node scripts/check-vendor-ids.mjs [root]; exit 1 with one line per finding.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The adapter ids declared under <root>/vendors/<folder>/index.ts. */
export function vendorIds(root) {
  const ids = [];
  for (const entry of readdirSync(join(root, 'vendors'), { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('_')) continue;
    let text;
    try {
      text = readFileSync(join(root, 'vendors', entry.name, 'index.ts'), 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(/^\s*id:\s*['"]([\w-]+)['"]/gm)) ids.push(m[1]);
  }
  return [...new Set(ids)];
}

/** Source without its comments, line breaks kept so line numbers still hold. */
function stripComments(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:'"`\\])\/\/.*$/gm, (_, before) => before);
}

/** `file:line: 'id'` for every string literal in <root>/src that is exactly a vendor id. */
export function findVendorIds(root) {
  const ids = vendorIds(root);
  if (ids.length === 0) return [];
  const literal = new RegExp(`(['"\`])(${ids.map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\1`, 'gi');
  const out = [];
  for (const entry of readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !/\.(ts|mts|mjs|js)$/.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    stripComments(readFileSync(file, 'utf8')).split('\n').forEach((line, i) => {
      for (const m of line.matchAll(literal)) out.push(`${relative(root, file)}:${i + 1}: ${m[0]}`);
    });
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = process.argv[2] ?? join(fileURLToPath(import.meta.url), '..', '..');
  const found = findVendorIds(root);
  for (const f of found) console.error(`vendor id outside vendors/: ${f}`);
  if (found.length > 0) {
    console.error('core never names a vendor: declare the behaviour as a capability on the vendor contract (src/model/vendor-contract.ts)');
    process.exit(1);
  }
  console.log(`no vendor id (${vendorIds(root).join(', ')}) in src/`);
}
