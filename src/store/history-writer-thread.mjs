// The fetch-history and event writer, on its own thread (plain JavaScript: worker threads start without the TypeScript
// loader). Receives batches from history-writer.ts, writes each in one transaction, and publishes the last handled
// batch number in shared memory so the main thread can wait for its own writes before it reads. Every batch is
// acknowledged, written or not — a writer that cannot write reports it and never leaves a reader waiting.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { file, done } = workerData;
const committed = new Int32Array(done);
const LIMIT = 100_000;
const FETCH_FIELDS = 8;
const EVENT_FIELDS = 7;

function open() {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // waits for another process's write lock here, never on the thread that answers phones
  db.pragma('busy_timeout = 10000');
  const insertFetch = db.prepare(
    'INSERT INTO fetches (ts, mac, source, user_agent, file, sha256, auth, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const sourceMac = db.prepare(
    'INSERT INTO fetch_sources (source, mac) VALUES (?, ?) ON CONFLICT(source) DO UPDATE SET mac = excluded.mac',
  );
  const newVersion = db.prepare('INSERT OR IGNORE INTO fetch_versions (sha256, mac, file, ts, user_agent) VALUES (?, ?, ?, ?, ?)');
  const insertEvent = db.prepare('INSERT INTO events (ts, reason, severity, source, mac, file, detail) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const sourceMacs = new Map();
  const versions = new Set();

  const write = db.transaction((fetchText, events) => {
    const records = fetchText.split('\x1e');
    for (let r = 0; r < records.length - 1; r++) {
      const f = records[r].split('\x1f');
      if (f.length !== FETCH_FIELDS) continue;
      const [ts, mac, source, userAgent, name, sha256, auth] = f;
      const status = Number(f[7]);
      insertFetch.run(ts, mac, source, userAgent, name, sha256, auth, status);
      if (auth === 'none') continue;
      if (sourceMacs.get(source) !== mac) {
        sourceMac.run(source, mac);
        if (sourceMacs.size >= LIMIT) sourceMacs.clear();
        sourceMacs.set(source, mac);
      }
      if (status === 200 && sha256 !== '' && !versions.has(sha256)) {
        newVersion.run(sha256, mac, name, ts, userAgent);
        if (versions.size >= LIMIT) versions.clear();
        versions.add(sha256);
      }
    }
    for (let i = 0; i < events.length; i += EVENT_FIELDS)
      insertEvent.run(events[i], events[i + 1], events[i + 2], events[i + 3], events[i + 4], events[i + 5], events[i + 6]);
  });
  return { db, write };
}

let writer;
let startError;
try {
  writer = open();
} catch (err) {
  startError = err;
}

parentPort.on('message', (batch) => {
  if (batch.close) {
    writer?.db.close();
    parentPort.close();
    return;
  }
  try {
    if (!writer) throw startError;
    writer.write(batch.fetches, batch.events);
  } catch (err) {
    parentPort.postMessage({
      error: String(err?.message ? err.message : err),
      lost: batch.fetches.split('\x1e').length - 1 + batch.events.length / EVENT_FIELDS,
    });
  }
  Atomics.store(committed, 0, batch.seq);
  Atomics.notify(committed, 0);
});
