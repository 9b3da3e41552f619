/** The installed CLI runs from the esbuild bundle; the bundle and the TypeScript sources give the same answers. */
import { execFile } from 'node:child_process';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');

describe('the bundled CLI', () => {
  it('builds into chunks and validates a config exactly as the sources do', async () => {
    // inside the checkout, so the bundle's external packages resolve from its node_modules
    const out = join(ROOT, 'dist', `test-${process.pid}`, 'bundle');
    onTestFinished(() => rmSync(dirname(out), { recursive: true, force: true }));
    await run(process.execPath, [join(ROOT, 'bin/build.mjs'), '--outdir', out], { timeout: 60_000 });
    const files = readdirSync(out);
    expect(files).toContain('ghostguard.mjs');
    expect(files).toContain('history-writer-thread.mjs');
    expect(files).toContain('config-parse-thread.mjs');
    expect(files).toContain('config-file.mjs');
    expect(files.filter((f) => f.startsWith('chunk-') && f.endsWith('.mjs')).length).toBeGreaterThan(3);
    const entry = join(out, 'runner.mjs');
    writeFileSync(entry, "const { main } = await import('./ghostguard.mjs');\nprocess.exitCode = await main(process.argv.slice(2));\n");
    const config = join(ROOT, 'examples/ghostguard.yaml');
    const bundled = await run(process.execPath, [entry, 'validate', '--config', config, '--json'], { timeout: 30_000 });
    const source = await run(process.execPath, [join(ROOT, 'bin/ghostguard.mjs'), 'validate', '--config', config, '--json'], {
      env: { ...process.env, GHOSTGUARD_FROM_SOURCE: '1' },
      timeout: 30_000,
    });
    expect(JSON.parse(bundled.stdout)).toEqual(JSON.parse(source.stdout));
    expect(JSON.parse(bundled.stdout)).toMatchObject({ valid: true });
  });
});
