/** Runs wrk with a Lua script that replays a prepared request list (one file per wrk thread) and parses its report. */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  non2xx: number;
  errors: string;
}

const SCRIPT = `
local counter = 0
function setup(thread) thread:set("id", counter); counter = counter + 1 end
local lines = {}
local idx = 0
function init(args)
  local f = assert(io.open(args[1] .. "." .. id, "r"))
  for line in f:lines() do lines[#lines + 1] = line end
  f:close()
end
function request()
  idx = idx + 1
  if idx > #lines then idx = 1 end
  local path, ua, auth = lines[idx]:match("^([^\\t]*)\\t([^\\t]*)\\t?(.*)$")
  local headers = { ["User-Agent"] = ua }
  if auth ~= "" then headers["Authorization"] = auth end
  return wrk.format("GET", path, headers)
end
`;

/**
 * lines: "path\\tuser-agent[\\tauthorization]"; split over threads so no request line is used twice. `threadOf` keeps
 * lines together on one thread (default: round-robin): one phone's requests must arrive in order, since its Digest
 * nonce-count has to grow with every request and two threads running at their own pace would reorder them.
 */
export function writeRequestFiles(
  dir: string,
  name: string,
  lines: string[],
  threads: number,
  threadOf: (line: number) => number = (i) => i,
): string {
  const base = join(dir, name);
  for (let t = 0; t < threads; t++) writeFileSync(`${base}.${t}`, lines.filter((_, i) => threadOf(i) % threads === t).join('\n') + '\n');
  writeFileSync(join(dir, 'replay.lua'), SCRIPT);
  return base;
}

export async function runWrk(
  url: string,
  dir: string,
  base: string,
  opts: { threads: number; connections: number; seconds: number; cpus?: string },
): Promise<WrkResult> {
  const wrk = [
    'wrk',
    '-t',
    String(opts.threads),
    '-c',
    String(opts.connections),
    '-d',
    `${opts.seconds}s`,
    '--timeout',
    '5s',
    '--latency',
    '-s',
    join(dir, 'replay.lua'),
    url,
    '--',
    base,
  ];
  const [cmd, ...argv] = opts.cpus ? ['taskset', '-c', opts.cpus, ...wrk] : wrk;
  const { stdout } = await run(cmd!, argv, { maxBuffer: 1 << 20 });
  const ms = (label: string) => {
    const m = new RegExp(`\\s${label}\\s+([\\d.]+)(us|ms|s)`).exec(stdout);
    if (!m) return NaN;
    return Number(m[1]) * (m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1);
  };
  return {
    requestsPerSecond: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]),
    p50Ms: ms('50%'),
    p99Ms: ms('99%'),
    requests: Number(/(\d+) requests in/.exec(stdout)?.[1]),
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0),
    errors: /Socket errors: .*/.exec(stdout)?.[0] ?? '',
  };
}
