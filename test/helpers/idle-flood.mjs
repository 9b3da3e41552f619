/**
 * A hostile client as its own process (each process has its own open-file limit): opens `count` TCP connections to
 * host:port from the given source addresses in turn, sends nothing, and holds them. A connection the server closes is
 * opened again after `reopenMs` (0: never), until `seconds` have passed. Prints one JSON line of counts per second.
 * Usage: node idle-flood.mjs '{"host":"127.123.0.1","port":21100,"sources":["127.123.1.1"],"count":4000,"seconds":60,"reopenMs":1000}'
 */
import { connect } from 'node:net';

const spec = JSON.parse(process.argv[2]);
const stats = { opened: 0, open: 0, closedByServer: 0, failed: 0 };
const deadline = Date.now() + spec.seconds * 1000;
const MAX_PENDING = 256;
let pending = 0;
let next = 0;
const queue = [];

function open(source) {
  if (Date.now() > deadline) return;
  if (pending >= MAX_PENDING) return void queue.push(source);
  pending++;
  let connected = false;
  const socket = connect({ host: spec.host, port: spec.port, localAddress: source });
  socket.on('connect', () => {
    connected = true;
    pending--;
    stats.opened++;
    stats.open++;
    drain();
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    if (connected) {
      stats.open--;
      stats.closedByServer++;
    } else {
      pending--;
      stats.failed++;
      drain();
    }
    if (spec.reopenMs > 0) setTimeout(() => open(source), spec.reopenMs).unref();
  });
}

function drain() {
  while (pending < MAX_PENDING && queue.length > 0) open(queue.shift());
}

for (let i = 0; i < spec.count; i++) open(spec.sources[next++ % spec.sources.length]);
const report = setInterval(() => process.stdout.write(`${JSON.stringify(stats)}\n`), 1000);
setTimeout(() => {
  clearInterval(report);
  process.stdout.write(`${JSON.stringify(stats)}\n`);
  process.exit(0);
}, spec.seconds * 1000);
