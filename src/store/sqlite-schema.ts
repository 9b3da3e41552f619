/** state_version counts changes to credentials and enrolments (by trigger), so cached reads of them are dropped only
 * when those change — not whenever the history writer commits. */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS fetches (
  id INTEGER PRIMARY KEY, ts TEXT NOT NULL, mac TEXT NOT NULL, source TEXT NOT NULL, user_agent TEXT NOT NULL,
  file TEXT NOT NULL, sha256 TEXT NOT NULL, auth TEXT NOT NULL, status INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS fetches_mac ON fetches (mac, id);
DROP INDEX IF EXISTS fetches_source;
CREATE TABLE IF NOT EXISTS fetch_sources (source TEXT PRIMARY KEY, mac TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fetch_versions (sha256 TEXT PRIMARY KEY, mac TEXT NOT NULL, file TEXT NOT NULL, ts TEXT NOT NULL, user_agent TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY, ts TEXT NOT NULL, reason TEXT NOT NULL, severity TEXT NOT NULL,
  source TEXT, mac TEXT, file TEXT, detail TEXT);
CREATE INDEX IF NOT EXISTS events_reason ON events (reason, id);
CREATE TABLE IF NOT EXISTS enrolments (
  mac TEXT PRIMARY KEY, opened_at TEXT NOT NULL, expires_at TEXT NOT NULL, closed_at TEXT, pinned_source TEXT);
CREATE TABLE IF NOT EXISTS credentials (
  mac TEXT PRIMARY KEY, generation INTEGER NOT NULL, previous_generation INTEGER, sip_generation INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS overrides (
  id INTEGER PRIMARY KEY, ts TEXT NOT NULL, mac TEXT NOT NULL, file TEXT NOT NULL, body TEXT NOT NULL, weakened TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS audit_runs (
  id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, targets TEXT NOT NULL, summary TEXT);
CREATE TABLE IF NOT EXISTS audit_findings (
  run_id INTEGER NOT NULL REFERENCES audit_runs(id), host TEXT NOT NULL, mac TEXT, vendor TEXT, model TEXT,
  rule TEXT NOT NULL, state TEXT NOT NULL, severity TEXT NOT NULL, evidence TEXT NOT NULL, fix TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS audit_findings_run ON audit_findings (run_id);
CREATE TABLE IF NOT EXISTS state_version (id INTEGER PRIMARY KEY CHECK (id = 1), v INTEGER NOT NULL);
INSERT OR IGNORE INTO state_version (id, v) VALUES (1, 0);
${['credentials', 'enrolments'].flatMap((t) => ['INSERT', 'UPDATE', 'DELETE'].map((op) =>
    `CREATE TRIGGER IF NOT EXISTS ${t}_${op.toLowerCase()}_bumps AFTER ${op} ON ${t} BEGIN UPDATE state_version SET v = v + 1; END;`)).join('\n')}
`;
