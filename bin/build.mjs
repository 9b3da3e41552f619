#!/usr/bin/env node
// Bundles the CLI into dist/bundle/ghostguard.mjs (npm packages stay external), run by `npm ci` (prepare) and `npm run
// build`. bin/ghostguard.mjs runs the bundle while it is newer than every source file, else the sources through tsx:
// the bundle starts faster and holds ~40 MB less than the loader with its transformed sources and source maps.
// dist/bundle sits two levels below the root, like src/<area>/, so paths the code resolves relative to itself still hold.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const at = process.argv.indexOf('--outdir');
const out = at > 0 ? process.argv[at + 1] : join(root, 'dist', 'bundle');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  // config-file: imported by path from the config reload's worker thread (src/provisioning/config-parse-thread.mjs)
  entryPoints: { ghostguard: join(root, 'src/cli/main.ts'), 'config-file': join(root, 'src/provisioning/config-file.ts') },
  outdir: out,
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  outExtension: { '.js': '.mjs' },
  // each command's modules in chunks of their own, loaded when the command runs (as from the sources)
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
// started by path at run time (a worker thread), so it travels beside the bundle
copyFileSync(join(root, 'src/store/history-writer-thread.mjs'), join(out, 'history-writer-thread.mjs'));
copyFileSync(join(root, 'src/provisioning/config-parse-thread.mjs'), join(out, 'config-parse-thread.mjs'));
