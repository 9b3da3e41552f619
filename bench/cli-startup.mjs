#!/usr/bin/env node
// How much a short CLI command loads and how long it takes to start: `validate` and `render` against the bundled
// example, from the sources (tsx loader) and from the bundle (`npm run build`). Modules are counted with a loader hook
// (bench/lib/count-modules.mjs): all of them, the project's own (src/, vendors/; from the bundle: its chunk files),
// the dashboard's (from the sources), and fastify's.
// Wall time: median of RUNS runs of the whole process. Usage: node bench/cli-startup.mjs [runs]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runs = Math.min(Math.max(Number(process.argv[2] ?? 5), 1), 50);
const commands = {
  validate: ['validate', '-c', 'examples/ghostguard.yaml'],
  render: ['render', '00:15:65:00:00:01', '-c', 'examples/ghostguard.yaml'],
};
const work = mkdtempSync(join(tmpdir(), 'gg-startup-'));

function once(args, fromSource, counting) {
  const out = join(work, 'modules.json');
  const env = { ...process.env, GHOSTGUARD_FROM_SOURCE: fromSource ? '1' : '0', GG_MODULES_OUT: out };
  const nodeArgs = counting ? ['--import', join(root, 'bench/lib/count-modules.mjs')] : [];
  const began = process.hrtime.bigint();
  const res = spawnSync(process.execPath, [...nodeArgs, join(root, 'bin/ghostguard.mjs'), ...args], { cwd: work, env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - began) / 1e6;
  if (res.status !== 0 && res.status !== 1) throw new Error(`${args[0]} exited ${res.status}: ${res.stderr}`);
  return { ms, modules: counting ? JSON.parse(readFileSync(out, 'utf8')) : [] };
}

function measure(args, fromSource) {
  const { modules } = once(args, fromSource, true);
  const times = Array.from({ length: runs }, () => once(args, fromSource, false).ms).sort((a, b) => a - b);
  const project = modules.filter((u) => /\/(src|vendors)\//.test(u) && !u.includes('/node_modules/'));
  return {
    modules: modules.length,
    project: project.length,
    bundleChunks: modules.filter((u) => u.includes('/dist/bundle/')).length,
    dashboard: project.filter((u) => u.includes('/src/dashboard/')).length,
    fastify: modules.filter((u) => u.includes('/node_modules/fastify/')).length,
    medianMs: Math.round(times[Math.floor(times.length / 2)]),
  };
}

try {
  execFileSync(process.execPath, [join(root, 'bin/build.mjs')], { stdio: 'inherit' });
  // the example's relative paths resolve against its directory: copy it so its state lands in the temp directory
  execFileSync('cp', ['-r', join(root, 'examples'), work]);
  const rows = [];
  for (const [name, args] of Object.entries(commands)) {
    for (const fromSource of [true, false])
      rows.push({ command: name, from: fromSource ? 'sources' : 'bundle', ...measure(args, fromSource) });
  }
  console.table(rows);
} finally {
  rmSync(work, { recursive: true, force: true });
}
