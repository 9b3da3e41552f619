// Preloaded into a measured node process (NODE_OPTIONS="--require <this file>"): the largest V8 heap in use right after
// a full (mark-compact) GC — what the process really holds, as opposed to the slack V8 lets the heap grow into before
// collecting — printed to stderr at exit as `gg-bench-heap-after-full-gc <bytes> <full GCs>`. stdout is left alone.
'use strict';
const { isMainThread } = require('node:worker_threads');

if (isMainThread) {
  const { PerformanceObserver, constants } = require('node:perf_hooks');
  const v8 = require('node:v8');
  let max = 0;
  let count = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.detail && entry.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        count++;
        max = Math.max(max, v8.getHeapStatistics().used_heap_size);
      }
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  process.on('exit', () => {
    process.stderr.write(`gg-bench-heap-after-full-gc ${max} ${count}\n`);
  });
}
