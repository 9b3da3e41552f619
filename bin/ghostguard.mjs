#!/usr/bin/env node
// Runs the bundle from `npm run build` (done by `npm ci`) while it is newer than every source file; otherwise — a fresh
// edit, or GHOSTGUARD_FROM_SOURCE=1 — the TypeScript sources directly through tsx's loader. Stack traces name bundle
// lines; `node --enable-source-maps bin/ghostguard.mjs …` maps them to the sources (dist/bundle/*.map, ~25 MB more RSS).
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'bundle', 'ghostguard.mjs');

function newestSource() {
  let newest = 0;
  for (const dir of ['src', 'vendors']) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

function bundleIsCurrent() {
  if (process.env.GHOSTGUARD_FROM_SOURCE === '1') return false;
  try {
    return statSync(bundle).mtimeMs >= newestSource();
  } catch {
    return false;
  }
}

let main;
if (bundleIsCurrent()) {
  ({ main } = await import(bundle));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
