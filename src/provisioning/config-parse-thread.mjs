// One config reload's parse, in a worker thread of its own (config-source.ts starts it and ends it afterwards, so
// whatever the parse allocated goes with the thread). workerData.module is config-file's URL: the TypeScript source
// (then through tsx's loader, as the CLI runs from source) or the bundle's config-file.mjs.
import { parentPort, workerData } from 'node:worker_threads';

if (workerData.module.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
const { readConfig, firstIssues } = await import(workerData.module);
try {
  const read = readConfig(workerData.path, workerData.catalogue, workerData.baseDir);
  parentPort.postMessage({ ...read, issues: firstIssues(read.issues) });
} catch (err) {
  parentPort.postMessage({
    issues: [{ file: workerData.path, line: 1, field: '(file)', message: err instanceof Error ? err.message : String(err) }],
  });
}
