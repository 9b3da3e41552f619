// The fetch-history and event writer, on its own thread (plain JavaScript: worker threads start without the TypeScript
// loader). Receives batches from history-writer.ts, writes each in one transaction, and publishes the last handled
// batch number in shared memory so the main thread can wait for its own writes before it reads. Every batch is
// acknowledged, written or not — a writer that cannot write reports it and never leaves a reader waiting.
// It also commits the enrolment closes a served file depends on, on a second connection with synchronous = FULL: the
// ~1 ms fsync happens here, off the thread that answers phones, and every close waiting meanwhile shares one commit.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { file, done, retention } = workerData;
const DAY_MS = 86_400_000;
/** rows deleted per statement by the age caps: each delete is a short transaction between batches */
const PRUNE_CHUNK = 5000;
const committed = new Int32Array(done);
const LIMIT = 100_000;
const FETCH_FIELDS = 8;
const EVENT_FIELDS = 7;

function open() {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // appends and rowid-range deletes touch few pages: 1 MB of page cache, not SQLite's default 2 MB
  db.pragma('cache_size = -1024');
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
  const capFetches = db.prepare('DELETE FROM fetches WHERE id <= (SELECT max(id) FROM fetches) - ?');
  const capEvents = db.prepare('DELETE FROM events WHERE id <= (SELECT max(id) FROM events) - ?');
  // the oldest rows by id, those among them older than the cutoff (ids follow time closely): stops at the first young chunk
  const ageFetches = db.prepare('DELETE FROM fetches WHERE id IN (SELECT id FROM fetches ORDER BY id LIMIT ?) AND ts < ?');
  const ageEvents = db.prepare('DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY id LIMIT ?) AND ts < ?');
  const ageOverrides = db.prepare('DELETE FROM overrides WHERE ts < ?');
  const perDevice = db.prepare(
    'DELETE FROM overrides WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY mac ORDER BY id DESC) AS n FROM overrides) WHERE n > ?)',
  );
  const overrideSizes = db.prepare('SELECT id, length(CAST(body AS BLOB)) AS bytes FROM overrides ORDER BY id DESC');
  const dropOverridesUpTo = db.prepare('DELETE FROM overrides WHERE id <= ?');

  /** the row caps: exact, after every batch (a rowid range, so cheap whatever the table's size) */
  const capRows = () => {
    capFetches.run(retention.fetchRows);
    capEvents.run(retention.eventRows);
  };

  const byAge = (statement, days) => {
    const cutoff = new Date(Date.now() - days * DAY_MS).toISOString();
    while (statement.run(PRUNE_CHUNK, cutoff).changes > 0);
  };

  /** the age caps and the override caps */
  const prune = () => {
    byAge(ageFetches, retention.fetchDays);
    byAge(ageEvents, retention.eventDays);
    ageOverrides.run(new Date(Date.now() - retention.overrideDays * DAY_MS).toISOString());
    perDevice.run(retention.overridesPerDevice);
    const budget = retention.overrideMb * 1024 * 1024;
    let total = 0;
    let firstOver;
    for (const row of overrideSizes.iterate()) {
      total += row.bytes;
      if (total > budget) {
        firstOver = row.id;
        break;
      }
    }
    // the first body over the budget and every older one (the iterator is done before the delete runs)
    if (firstOver !== undefined) dropOverridesUpTo.run(firstOver);
  };
  return { db, write, capRows, prune, closes: openStateCommits() };
}

/** Enrolment closes, durable (power loss included) before the main thread is told; one transaction per batch. */
function openStateCommits() {
  const db = new Database(file);
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  // one row per close: a small page cache suffices
  db.pragma('cache_size = -256');
  const close = db.prepare('UPDATE enrolments SET closed_at = ?, pinned_source = COALESCE(?, pinned_source) WHERE mac = ?');
  const commit = db.transaction((values) => {
    let changes = 0;
    for (let i = 0; i < values.length; i += 3) changes += close.run(values[i], values[i + 1], values[i + 2]).changes;
    return changes;
  });
  return { db, commit };
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
    writer?.closes.db.close();
    writer?.db.close();
    parentPort.close();
    return;
  }
  if (batch.stateSeq !== undefined) {
    try {
      if (!writer) throw startError;
      parentPort.postMessage({ stateSeq: batch.stateSeq, changes: writer.closes.commit(batch.closes) });
    } catch (err) {
      parentPort.postMessage({ stateSeq: batch.stateSeq, stateError: String(err?.message ? err.message : err) });
    }
    return;
  }
  try {
    if (!writer) throw startError;
    if (batch.prune) writer.prune();
    else {
      writer.write(batch.fetches, batch.events);
      writer.capRows();
    }
  } catch (err) {
    parentPort.postMessage({
      error: String(err?.message ? err.message : err),
      lost: batch.prune ? 0 : batch.fetches.split('\x1e').length - 1 + batch.events.length / EVENT_FIELDS,
    });
  }
  Atomics.store(committed, 0, batch.seq);
  Atomics.notify(committed, 0);
});
