/**
 * Boot-storm benchmark: N phones (distinct MACs, mixed vendors/models) fetch their real boot sequence over HTTPS with
 * per-device Digest authentication; beside it, nginx serving the same rendered bytes as static files — the ceiling.
 * Fleet sizes run one after another in one invocation, each beside nginx and the node:https floor, then one summary table.
 * Usage: node bin/run-ts.mjs bench/provision-bench.ts [--devices 2000,20000,50000] [--connections 500] [--seconds 10] [--workers 1] [--cache-mb 8] [--profile DIR] [--perf DIR] [--pin] [--gc] [--rounds 1]
 * Server V8 flags: GG_SERVER_NODE_FLAGS='--max-old-space-size=160'; the servers' output to a file: GG_SERVER_LOG=path.
 * --profile DIR: CPU profiles of the server and of the node:https floor over their measured storms alone (not start-up or
 * set-up), one each per fleet size.
 * --perf DIR: Linux `perf record -g` of the server and of the floor over their storms (JavaScript frames named through
 * --perf-basic-prof): where V8's profiler sees only a native call (TLS writes, the kernel's loopback), perf sees inside.
 * --gc: the server's garbage collections over the storm (V8's --trace-gc-nvp): main-thread pauses and helper time per
 * request, and the bytes per request promoted to the old generation.
 * --pin: each server (ghostguard, nginx, the floor) on CPU 0 and wrk on CPU 1 (taskset), so that client and server never
 * take each other's core: steadier figures for comparing two builds; the default lets the kernel place them.
 * --rounds N: every fleet size N times, the sizes alternating within a round, then the medians per size.
 * Traffic stays on 127.0.0.1; the server and nginx are started here and stopped by PID.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { Agent, request, WebSocket } from 'undici';
import { VENDORS } from '../vendors/index.js';
import { parseConfig } from '../src/model/config-parse.js';
import { Inventory } from '../src/model/inventory.js';
import { catalogueOf } from '../src/model/model-catalogue.js';
import { digestResponse, REALM } from '../src/provisioning/digest.js';
import { DEFAULT_RENDER_CACHE_MB } from '../src/provisioning/render-service.js';
import { childPids, cpuSeconds, peakRssMb, threadCpuSeconds, threadName } from './lib/proc-stats.js';
import { runWrk, writeRequestFiles, type WrkResult } from './lib/wrk.js';
import { GcTrace } from './lib/gc-trace.js';
import { fmt, type StormFigures, summary } from './lib/storm-summary.js';

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '2000,20000,50000' },
    connections: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '10' },
    threads: { type: 'string', default: '2' },
    workers: { type: 'string', default: '1' },
    'cache-mb': { type: 'string' },
    profile: { type: 'string' },
    perf: { type: 'string' },
    pin: { type: 'boolean', default: false },
    gc: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '1' },
  },
});
const SIZES = args.devices.split(',').map(Number);
const C = Number(args.connections);
const SECONDS = Number(args.seconds);
const THREADS = Number(args.threads);
if (args.profile && Number(args.workers) > 1) throw new Error('--profile profiles one server process: use it with --workers 1');
const ROUNDS = Number(args.rounds);
if (!(Number.isInteger(ROUNDS) && ROUNDS >= 1 && ROUNDS <= 20)) throw new Error('--rounds takes 1 to 20');
if (ROUNDS > 1 && (args.profile || args.perf)) throw new Error('--profile and --perf record one round: use them without --rounds');
const ROOT = join(import.meta.dirname, '..');
const freePort = () =>
  new Promise<number>((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => done(p));
    });
  });

const started: ChildProcess[] = [];
/** the server's inspector (ws://…), when started with --inspect for --profile */
const inspectorUrls = new Map<ChildProcess, string>();
const SERVER_CPU = '0';
const CLIENT_CPU = '1';
/** the command line, on the servers' CPU under --pin */
const pinned = (cmd: string, argv: string[]): [string, string[]] =>
  args.pin ? ['taskset', ['-c', SERVER_CPU, cmd, ...argv]] : [cmd, argv];
const wrkCpus = args.pin ? { cpus: CLIENT_CPU } : {};

function start(cmd: string, argv: string[]): Promise<ChildProcess> {
  const child = spawn(...pinned(cmd, argv), { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  if (process.env.GG_SERVER_LOG) {
    // e.g. with --trace-gc; stderr too, so a server that dies says why
    const log = createWriteStream(process.env.GG_SERVER_LOG, { flags: 'a' });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
  }
  return new Promise((done, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`${cmd} did not start: ${out}`)), 60_000);
    const onData = (d: Buffer) => {
      out += d;
      const inspector = /Debugger listening on (ws:\/\/\S+)/.exec(out);
      if (inspector) inspectorUrls.set(child, inspector[1]!);
      if (/phones:|nginx-ready/.test(out)) {
        clearTimeout(timer);
        done(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${cmd} exited ${code}: ${out}`));
    });
  });
}
const stopAll = () => {
  for (const c of started) if (c.exitCode === null) c.kill('SIGTERM');
};
process.on('exit', stopAll);

/** Set-up requests retried when a keep-alive connection the server has just closed as idle is reused, or a connect is reset (busy machine). */
async function retried(url: string, opts: NonNullable<Parameters<typeof request>[1]>): Promise<Awaited<ReturnType<typeof request>>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request(url, opts);
    } catch (e) {
      if (attempt >= 5 || !['UND_ERR_SOCKET', 'ECONNRESET'].includes((e as { code?: string }).code ?? '')) throw e;
    }
  }
}

interface SizeResult extends StormFigures {
  header: string;
  rows: string[];
}

async function storm(N: number, round: number): Promise<SizeResult> {
  const dir = mkdtempSync(join(tmpdir(), 'gg-provbench-'));
  chmodSync(dir, 0o755); // nginx workers run as an unprivileged user
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  // Fleet: round-robin over every vendor model, two lines each.
  const models = VENDORS.flatMap((v) => v.models.map((m) => ({ vendor: v, model: m })));
  const fleet = Array.from({ length: N }, (_, i) => {
    const { vendor, model } = models[i % models.length]!;
    const mac = `${vendor.ouis[0]}${(i + 1).toString(16).padStart(6, '0')}`;
    return { vendor, model, mac, firmware: model.firmwares[model.firmwares.length - 1]! };
  });
  const port = await freePort();
  const yaml =
    [
      'server:',
      `  port: ${port}`,
      '  adminPort: 0',
      ...(args['cache-mb'] ? [`  renderCacheMb: ${Number(args['cache-mb'])}`] : []),
      '  tls: auto',
      `  dataDir: ${dataDir}`,
      `  publicUrl: https://127.0.0.1:${port}/`,
      // wrk's connections all come from 127.0.0.1, where phones each have their own address: under the default per-address
      // cap (256) the server would shed idle connections and wrk reconnect, paying TLS handshakes nginx and the floor never do
      `  connections: { perAddress: ${C + 100} }`,
      '  rateLimits: { perAddress: { burst: 100000000, perSecond: 100000000 }, perSubnet: { burst: 100000000, perSecond: 100000000 }, addressChallenges: 100000000, subnetChallenges: 100000000 }',
      'sites:',
      '  hq: { registrar: 127.0.0.10, outboundProxy: 127.0.0.11 }',
      'devices:',
      ...fleet.map(
        (d, i) =>
          `  - { mac: "${d.mac}", vendor: ${d.vendor.id}, model: ${d.model.id}, site: hq, adminPassword: generate, lines: [{ extension: "${10000 + i}", password: generate }] }`,
      ),
    ].join('\n') + '\n';
  writeFileSync(join(dir, 'gg.yaml'), yaml);
  const masterKey = randomBytes(32);
  writeFileSync(join(dataDir, 'master.key'), masterKey.toString('hex') + '\n', { mode: 0o600 });
  const { config } = parseConfig(yaml, 'gg.yaml', catalogueOf(VENDORS));
  const inventory = new Inventory(config!, { masterKey, env: {} }, 1);

  const t0 = Date.now();
  const nodeFlags = process.env.GG_SERVER_NODE_FLAGS?.split(' ').filter(Boolean) ?? [];
  const server = await start(process.execPath, [
    ...nodeFlags,
    ...(args.profile ? ['--inspect=127.0.0.1:0'] : []),
    ...(args.perf ? ['--perf-basic-prof'] : []),
    ...(args.gc ? ['--trace-gc-nvp'] : []),
    join(ROOT, 'bin/ghostguard.mjs'),
    'serve',
    '--config',
    join(dir, 'gg.yaml'),
    '--workers',
    String(args.workers),
    '--duration',
    String(3600), // set-up with 50,000 devices on a busy machine takes minutes; the bench stops it by PID
  ]);
  const startupMs = Date.now() - t0;
  const gcTrace = new GcTrace();
  if (args.gc) gcTrace.attach(server.stdout!);
  const base = `https://127.0.0.1:${port}`;
  const agent = new Agent({ connect: { rejectUnauthorized: false }, connections: 32 });

  const lines: string[] = [];
  const staticFiles = new Map<string, Buffer>();
  for (const d of fleet)
    for (const step of d.vendor.bootSequence(d.mac as never, d.model.id, d.firmware))
      if (step.method === 'GET' && d.vendor.identifyRequest(step).file.kind !== 'override')
        staticFiles.set(`/${step.fileName}`, Buffer.alloc(0));
  // Fetch each distinct file once, with a nonce of its own, to get the exact bytes nginx will serve.
  for (const [i, d] of fleet.entries()) {
    for (const step of d.vendor.bootSequence(d.mac as never, d.model.id, d.firmware)) {
      const uri = `/${step.fileName}`;
      if (step.method !== 'GET' || !staticFiles.has(uri) || staticFiles.get(uri)!.length > 0) continue;
      const { file } = d.vendor.identifyRequest(step);
      const headers: Record<string, string> = { 'user-agent': step.userAgent };
      if (file.secret) {
        const challenge = await retried(`${base}${uri}`, { dispatcher: agent, headers });
        if (challenge.statusCode === 200) {
          // still inside its enrolment window: served without credentials
          staticFiles.set(uri, Buffer.from(await challenge.body.arrayBuffer()));
          continue;
        }
        await challenge.body.dump();
        const c = {
          username: inventory.provisioningUsername(d.mac as never),
          realm: REALM,
          nonce: /nonce="([^"]+)"/.exec(String(challenge.headers['www-authenticate']))![1]!,
          uri,
          qop: 'auth',
          nc: '00000001',
          cnonce: `p${i}`,
        };
        headers.authorization = `Digest username="${c.username}", realm="${REALM}", nonce="${c.nonce}", uri="${uri}", qop=auth, nc=00000001, cnonce="${c.cnonce}", response="${digestResponse(c, inventory.provisioningPassword(d.mac as never, 0), 'GET')}"`;
      }
      const res = await retried(`${base}${uri}`, { dispatcher: agent, headers });
      if (res.statusCode !== 200) throw new Error(`prefetch ${uri}: ${res.statusCode}`);
      staticFiles.set(uri, Buffer.from(await res.body.arrayBuffer()));
    }
  }
  // One server nonce per device, fetched last: a nonce is stale after 5 minutes, and set-up on a busy machine takes
  // minutes. Nonce-counts then increase with every request, as a phone's do.
  const rounds = Math.max(2, Math.ceil((40_000 * SECONDS) / (N * 3)));
  const nonces = await Promise.all(
    fleet.map(async (d) => {
      const deviceFile = d.vendor
        .bootSequence(d.mac as never, d.model.id, d.firmware)
        .find((s) => d.vendor.identifyRequest(s).file.kind === 'device')!;
      const res = await retried(`${base}/${deviceFile.fileName}`, { dispatcher: agent, headers: { 'user-agent': 'bench' } });
      await res.body.dump();
      return /nonce="([^"]+)"/.exec(String(res.headers['www-authenticate']))?.[1] ?? '';
    }),
  );
  let nc = 0;
  const lineDevice: number[] = [];
  for (let r = 1; r <= rounds; r++) {
    for (const [i, d] of fleet.entries()) {
      for (const step of d.vendor.bootSequence(d.mac as never, d.model.id, d.firmware)) {
        if (step.method !== 'GET') continue;
        const { file } = d.vendor.identifyRequest(step);
        if (file.kind === 'override') continue;
        const uri = `/${step.fileName}`;
        let auth = '';
        if (file.secret) {
          const c = {
            username: inventory.provisioningUsername(d.mac as never),
            realm: REALM,
            nonce: nonces[i]!,
            uri,
            qop: 'auth',
            nc: r.toString(16).padStart(8, '0'),
            cnonce: (++nc).toString(36),
          };
          auth = `Digest username="${c.username}", realm="${REALM}", nonce="${c.nonce}", uri="${uri}", qop=auth, nc=${c.nc}, cnonce="${c.cnonce}", response="${digestResponse(c, inventory.provisioningPassword(d.mac as never, 0), 'GET')}"`;
        }
        lines.push(`${uri}\t${step.userAgent}\t${auth}`);
        lineDevice.push(i);
      }
    }
  }
  await agent.close();
  const ggBase = writeRequestFiles(dir, 'gg-requests', lines, THREADS, (line) => lineDevice[line]!);

  const serverPids = () => [server.pid!, ...childPids(server.pid!)];
  // what the set-up left behind (its history and events being written, enrolments closing) is not the storm's cost
  await quiet(serverPids);
  const profiler = args.profile ? await startProfiler(inspectorUrls.get(server)) : undefined;
  const perf = recordPerf(server.pid!, `ghostguard-${N}`);
  const cpu0 = serverPids().reduce((a, p) => a + cpuSeconds(p), 0);
  const threads0 = threadCpuSeconds(server.pid!);
  const gcFrom = gcTrace.mark();
  const gg: WrkResult = await runWrk(base, dir, ggBase, { threads: THREADS, connections: C, seconds: SECONDS, ...wrkCpus });
  const ggCpu = serverPids().reduce((a, p) => a + cpuSeconds(p), 0) - cpu0;
  const threadSplit = threadShares(server.pid!, threads0, gg.requests);
  const gcSplit = gcTrace.summary(gcFrom, gcTrace.mark(), gg.requests);
  await perf;
  if (profiler) {
    mkdirSync(args.profile!, { recursive: true });
    writeFileSync(join(args.profile!, `ghostguard-${N}.cpuprofile`), JSON.stringify(await profiler.stop()));
  }
  const ggRss = serverPids().reduce((a, p) => a + peakRssMb(p), 0);
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));

  // nginx: the same bytes as static files, same TLS certificate, same request list without credentials.
  const docroot = join(dir, 'www');
  for (const [uri, body] of staticFiles) {
    mkdirSync(dirname(join(docroot, uri)), { recursive: true });
    writeFileSync(join(docroot, uri), body);
  }
  const nginxPort = await freePort();
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      'worker_processes auto;',
      'daemon off;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'nginx-error.log')};`,
      'events { worker_connections 4096; }',
      'http {',
      '  access_log off;',
      '  keepalive_requests 1000000;',
      `  client_body_temp_path ${dir}/nginx-tmp;`,
      `  proxy_temp_path ${dir}/nginx-tmp;`,
      `  fastcgi_temp_path ${dir}/nginx-tmp;`,
      `  uwsgi_temp_path ${dir}/nginx-tmp;`,
      `  scgi_temp_path ${dir}/nginx-tmp;`,
      '  types { text/plain cfg boot; application/xml xml; }',
      `  server { listen 127.0.0.1:${nginxPort} ssl; ssl_certificate ${join(dataDir, 'tls-cert.pem')}; ssl_certificate_key ${join(dataDir, 'tls-key.pem')}; root ${docroot}; }`,
      '}',
    ].join('\n'),
  );
  const nginx = spawn(...pinned('/usr/sbin/nginx', ['-c', join(dir, 'nginx.conf'), '-p', dir]), { stdio: 'ignore' });
  started.push(nginx);
  await new Promise((r) => setTimeout(r, 1000));
  const ngBase = writeRequestFiles(
    dir,
    'ng-requests',
    lines.slice(0, lines.length / rounds).map((l) => l.split('\t').slice(0, 2).join('\t')),
    THREADS,
  );
  const nginxPids = () => [nginx.pid!, ...childPids(nginx.pid!)];
  const ngCpu0 = nginxPids().reduce((a, p) => a + cpuSeconds(p), 0);
  const ng = await runWrk(`https://127.0.0.1:${nginxPort}`, dir, ngBase, {
    threads: THREADS,
    connections: C,
    seconds: SECONDS,
    ...wrkCpus,
  });
  const ngCpu = nginxPids().reduce((a, p) => a + cpuSeconds(p), 0) - ngCpu0;
  nginx.kill('SIGTERM');

  // The Node.js floor: node:https itself, as many processes as ghostguard runs, answering every path with one body as
  // long as the average file of the request list, and doing nothing else — what any Node.js server reaches on this machine.
  const firstRound = lines.slice(0, lines.length / rounds);
  const averageBytes = Math.round(firstRound.reduce((a, l) => a + staticFiles.get(l.split('\t')[0]!)!.length, 0) / firstRound.length);
  const floorPort = await freePort();
  const floorScript = `import cluster from 'node:cluster'; import { createServer } from 'node:https'; import { readFileSync } from 'node:fs';
    const workers = ${Number(args.workers)};
    if (cluster.isPrimary && workers > 1) { let up = 0; for (let i = 0; i < workers; i++) cluster.fork().on('listening', () => { if (++up === workers) console.log('phones: ready'); }); }
    else { const body = Buffer.alloc(${averageBytes}, 120);
      createServer({ cert: readFileSync(${JSON.stringify(join(dataDir, 'tls-cert.pem'))}), key: readFileSync(${JSON.stringify(join(dataDir, 'tls-key.pem'))}) },
        (req, res) => { res.writeHead(200, { etag: '"x"', 'content-type': 'text/plain', 'content-length': body.length }); res.end(body); })
        .listen(${floorPort}, '127.0.0.1', () => { if (workers <= 1) console.log('phones: ready'); }); }`;
  writeFileSync(join(dir, 'floor.mjs'), floorScript); // a file, not -e: cluster workers re-run it
  const floor = await start(process.execPath, [
    ...(args.profile ? ['--inspect=127.0.0.1:0'] : []),
    ...(args.perf ? ['--perf-basic-prof'] : []),
    join(dir, 'floor.mjs'),
  ]);
  const floorProfiler = args.profile ? await startProfiler(inspectorUrls.get(floor)) : undefined;
  const floorPerf = recordPerf(floor.pid!, `floor-${N}`);
  const floorPids = () => [floor.pid!, ...childPids(floor.pid!)];
  const floorCpu0 = floorPids().reduce((a, p) => a + cpuSeconds(p), 0);
  const nodeFloor = await runWrk(`https://127.0.0.1:${floorPort}`, dir, ngBase, {
    threads: THREADS,
    connections: C,
    seconds: SECONDS,
    ...wrkCpus,
  });
  const floorCpu = floorPids().reduce((a, p) => a + cpuSeconds(p), 0) - floorCpu0;
  await floorPerf;
  if (floorProfiler) writeFileSync(join(args.profile!, `floor-${N}.cpuprofile`), JSON.stringify(await floorProfiler.stop()));
  floor.kill('SIGTERM');

  rmSync(dir, { recursive: true, force: true });
  const header = `${N} devices: ${lines.length / rounds} requests per round (${staticFiles.size} distinct files, ${averageBytes} bytes on average), ghostguard startup ${startupMs} ms`;
  const rows = [
    row('ghostguard (Digest, render)', gg, ggCpu, ggRss),
    `  ghostguard CPU µs/request by thread: ${threadSplit}`,
    ...(args.gc ? [`  ghostguard garbage collection: ${gcSplit}`] : []),
    row('nginx (static, same bytes)', ng, ngCpu),
    row(`node:https floor (${args.workers} proc, no work)`, nodeFloor, floorCpu),
    ...[['ghostguard', gg] as const, ['nginx', ng] as const, ['floor', nodeFloor] as const]
      .filter(([, r]) => r.errors)
      .map(([name, r]) => `${name}: ${r.errors}`),
  ];
  return {
    devices: N,
    round,
    header,
    rows,
    gg,
    ggCpuUs: perRequestUs(ggCpu, gg),
    ggRss,
    ng,
    floor: nodeFloor,
    cpuSeconds: { ghostguard: ggCpu, floor: floorCpu },
  };
}

/** With --perf: `perf record` of one process for the storm about to start (a second less, so it ends inside it). */
function recordPerf(pid: number, name: string): Promise<void> | undefined {
  if (!args.perf) return undefined;
  mkdirSync(args.perf, { recursive: true });
  const perf = spawn(
    'perf',
    [
      'record',
      '-q',
      '-F',
      '999',
      '-g',
      '-p',
      String(pid),
      '-o',
      join(args.perf, `${name}.perf`),
      '--',
      'sleep',
      String(Math.max(1, SECONDS - 1)),
    ],
    { stdio: 'ignore' },
  );
  started.push(perf);
  return new Promise((done) => perf.once('exit', () => done()));
}

/** Starts V8's sampling profiler in the server through its inspector; stop() returns the profile (.cpuprofile JSON). */
async function startProfiler(url: string | undefined): Promise<{ stop(): Promise<unknown> }> {
  if (!url) throw new Error('--profile: the server printed no inspector address');
  const ws = new WebSocket(url);
  await new Promise((done, fail) => {
    ws.onopen = done;
    ws.onerror = fail;
  });
  let next = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  ws.onmessage = (m) => {
    const reply = JSON.parse(String(m.data)) as { id?: number; result?: unknown };
    if (reply.id !== undefined) waiting.get(reply.id)?.(reply.result);
  };
  const send = (method: string, params: object = {}) =>
    new Promise<unknown>((done) => {
      waiting.set(++next, done);
      ws.send(JSON.stringify({ id: next, method, params }));
    });
  await send('Profiler.enable');
  await send('Profiler.setSamplingInterval', { interval: 500 });
  await send('Profiler.start');
  return {
    async stop() {
      const { profile } = (await send('Profiler.stop')) as { profile: unknown };
      ws.close();
      return profile;
    },
  };
}

/** The storm's CPU per request of the server's main thread and of its busiest other threads (history writer, GC helpers). */
function threadShares(pid: number, before: Map<number, number>, requests: number): string {
  const used = [...threadCpuSeconds(pid)].map(([tid, s]) => [tid, s - (before.get(tid) ?? 0)] as const);
  const main = used.find(([tid]) => tid === pid)?.[1] ?? 0;
  const others = used.filter(([tid, s]) => tid !== pid && s > 0).sort((a, b) => b[1] - a[1]);
  const us = (s: number) => fmt((1e6 * s) / requests);
  return `main ${us(main)}, others ${
    others
      .slice(0, 4)
      .map(([tid, s]) => `${us(s)} (${threadName(pid, tid)})`)
      .join(' / ') || 'none'
  }${others.length > 4 ? ` (+${others.length - 4} threads: ${us(others.slice(4).reduce((a, [, s]) => a + s, 0))})` : ''}`;
}

/** Waits until `pids` use under a tenth of a core over half a second (at most 30 s). */
async function quiet(pids: () => number[]): Promise<void> {
  const cpu = () => pids().reduce((a, p) => a + cpuSeconds(p), 0);
  for (let waited = 0; waited < 30_000; waited += 500) {
    const before = cpu();
    await new Promise((r) => setTimeout(r, 500));
    if (cpu() - before < 0.05) return;
  }
}

/**
 * A server under a storm uses its cores (one per process, all but the load generator's), less what `wrk` takes from
 * them; far less means something outside the bench had the machine (a run here once got 4 of 10 s).
 */
const SERVER_CORES = Math.max(1, Math.min(Number(args.workers), availableParallelism() - 1));
const VALIDITY = { seconds: SECONDS, serverCores: SERVER_CORES, starved: 0.6 };
const perRequestUs = (cpu: number, r: WrkResult) => (1e6 * cpu) / r.requests;
const row = (name: string, r: WrkResult, cpu: number, rss = NaN) =>
  `${name.padEnd(34)}${fmt(r.requestsPerSecond, 0).padStart(8)} ${fmt(r.p50Ms, 2).padStart(8)} ${fmt(r.p99Ms, 2).padStart(8)} ${String(r.non2xx).padStart(8)} ${fmt(cpu).padStart(7)} ${fmt(perRequestUs(cpu, r)).padStart(9)} ${fmt(rss).padStart(10)}`;
const COLUMNS = `${'server'.padEnd(34)}${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-2xx'.padStart(8)} ${'CPU s'.padStart(7)} ${'CPU µs/req'.padStart(9)} ${'peak RSS MB'.padStart(10)}`;

// The server runs what `npm ci` installs, the bundle: bin/ghostguard.mjs would otherwise fall back to the sources through
// tsx (a source newer than the bundle), whose transformed code costs more per request. GHOSTGUARD_FROM_SOURCE=1 keeps the sources.
const fromSource = process.env.GHOSTGUARD_FROM_SOURCE === '1';
if (!fromSource) execFileSync(process.execPath, [join(ROOT, 'bin/build.mjs')], { stdio: 'inherit' });

try {
  console.log(
    `boot storm: ghostguard ${args.workers} worker(s), ${C} connections, ${SECONDS}s per server, wrk ${THREADS} threads, HTTPS keep-alive, per-device Digest, render cache ${args['cache-mb'] ?? `${DEFAULT_RENDER_CACHE_MB} (default)`} MB, server flags: ${process.env.GG_SERVER_NODE_FLAGS ?? 'none'}, ${fromSource ? 'sources (tsx)' : 'bundle'}${args.pin ? `, servers on CPU ${SERVER_CPU} and wrk on CPU ${CLIENT_CPU}` : ''}`,
  );
  const results: SizeResult[] = [];
  for (let round = 1; round <= ROUNDS; round++)
    for (const n of SIZES) {
      const r = await storm(n, round);
      results.push(r);
      console.log(`\n${ROUNDS > 1 ? `round ${round} of ${ROUNDS}: ` : ''}${r.header}\n${COLUMNS}\n${r.rows.join('\n')}`);
    }
  console.log(`\n${summary(results, VALIDITY).join('\n')}`);
} finally {
  stopAll();
}
