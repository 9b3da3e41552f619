// Preloaded with `node --import` by bench/cli-startup.mjs: at exit, writes every module the process loaded (ESM URLs
// through the loader hook, CommonJS files from the require cache) as JSON to $GG_MODULES_OUT.
import { writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';

const { port1, port2 } = new MessageChannel();
port1.unref();
register('./count-modules-hooks.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });
const seen = new Set();
process.on('exit', () => {
  for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) seen.add(m.message);
  const cjs = Object.keys(createRequire(import.meta.url).cache).map((f) => `file://${f}`);
  if (process.env.GG_MODULES_OUT) writeFileSync(process.env.GG_MODULES_OUT, JSON.stringify([...new Set([...seen, ...cjs])]));
});
