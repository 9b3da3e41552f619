/**
 * The `ghostguard` command line: parses arguments, runs a command, maps error codes to exit statuses and plain messages.
 * Each command's module is imported only when that command runs, and only `serve` and `demo` load the composition
 * root (src/app/runtime.ts): `render` and `validate` load neither the dashboard nor fastify (bench/cli-startup.mjs).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { endQuietlyOnBrokenPipe, EXIT, printError, processIo, type CliIo } from './io.js';

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
};

/** ghostguard's package.json version: the nearest package.json above this module (sources or a bundle) */
function packageVersion(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ghostguard' && pkg.version) return pkg.version;
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('ghostguard')
    .description('Hardened provisioning and fleet audits against SIP ghost calls (Yealink, Poly, Grandstream)')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  const run = (fn: () => number | Promise<number>) => async () => setExit(await fn());
  const cfg = (c: Command) =>
    c
      .option('-c, --config <file>', 'configuration file (default: $GHOSTGUARD_CONFIG, else ./ghostguard.yaml)')
      .option('--example', 'use the bundled example configuration (its state in ./.ghostguard)');

  program
    .command('init [file]')
    .description('write a commented starter configuration')
    .option('--force', 'overwrite an existing file')
    .action((file, o) => run(async () => (await import('./commands/init.js')).initCommand(file, o, io))());
  cfg(program.command('serve').description('run the provisioning server'))
    .option('--host <address>', 'listen address')
    .option('--port <n>', 'listen port', int)
    .option('--duration <seconds>', 'stop after this many seconds', int)
    .option('--log [format]', 'a line per fetch, refusal, ban, enrolment and reload on stdout: pretty (default) or json')
    .option('--workers <n>', 'server processes sharing the listener (default 1)', int)
    .action((o) => run(async () => (await import('./commands/serve.js')).serveCommand(o, io))());
  cfg(program.command('validate').description('check the configuration; exit 1 on any problem'))
    .option('--json', 'machine-readable output')
    .action((o) => run(async () => (await import('./commands/validate.js')).validateCommand(o, io))());
  cfg(program.command('render <mac>').description('print exactly what that phone would receive'))
    .option('--ua <user-agent>', "the phone's HTTP User-Agent (selects model firmware family)")
    .option('--file <name>', 'which of its boot files (default: its device file)')
    .option('--explain', 'print applied and unsupported rules on stdout instead of stderr')
    .option('--reveal', 'print secrets instead of masking them')
    .action((mac, o) => run(async () => (await import('./commands/render.js')).renderCommand(mac, o, io))());
  cfg(program.command('import <csv>').description('add devices from CSV (dry run unless --apply); the first line names the columns'))
    .option('--apply', 'write the configuration')
    .option('--update', 'also change devices already in the configuration')
    .action((csv, o) => run(async () => (await import('./commands/import.js')).importCommand(csv, o, io))());
  cfg(program.command('enroll [mac]').description('open an enrolment window for a device (or every device of a site)'))
    .option('--hours <n>', 'window length', int)
    .option('--site <site>', 'every enabled device of a site')
    .action((mac, o) => run(async () => (await import('./commands/credentials.js')).enrollCommand(mac, o, io))());
  cfg(program.command('rotate [mac]').description('rotate provisioning credentials of a device or a site'))
    .option('--site <site>', 'every device of a site')
    .option('--sip', 'also rotate generated SIP passwords')
    .action((mac, o) => run(async () => (await import('./commands/credentials.js')).rotateCommand(mac, o, io))());
  cfg(program.command('resync [mac]').description("make phones fetch their configuration now, through each vendor's management interface"))
    .option('--site <site>', 'every device of a site')
    .option('--all', 'every device of the inventory')
    .option('--reboot', 'restart the phones instead (they fetch their files as they start)')
    .option('--dry-run', 'list what would be sent to each phone, send nothing')
    .option('--yes', 'send to several phones (without it, more than one phone is a dry run)')
    .option('--port <port>', "the phones' web port (default 443, or 80 with --plain-http)", int)
    .option('--plain-http', 'use http:// (the admin password then crosses the network in clear)')
    .action((mac, o) => run(async () => (await import('./commands/resync.js')).resyncCommand(mac, o, io))());
  const store = program.command('store').description('the state store (server.store: SQLite or PostgreSQL)');
  cfg(store.command('migrate').description("apply the state store's schema migrations (serve also applies them at start)")).action((o) =>
    run(async () => (await import('./commands/store.js')).storeMigrateCommand(o, io))(),
  );
  store
    .command('copy')
    .description("move an installation's state from its SQLite file into PostgreSQL, in one transaction")
    .requiredOption('--from <file>', 'the SQLite state file (or the data directory holding state.sqlite)')
    .requiredOption('--to <url>', 'the PostgreSQL URL as server.store takes it (password as env:NAME)')
    .option('--replace', "empty the target's ghostguard state first (without it, a target holding state is refused)")
    .action((o) => run(async () => (await import('./commands/store.js')).storeCopyCommand(o, io))());
  const token = program.command('token').description('API tokens for scripts: the JSON API accepts one as "Authorization: Bearer <token>"');
  cfg(token.command('create <name>').description('make a token (printed once; only its hash is kept)')).action((name, o) =>
    run(async () => (await import('./commands/token.js')).tokenCreateCommand(name, o, io))(),
  );
  cfg(token.command('list').description("the tokens' ids, names and creation times"))
    .option('--json', 'machine-readable output')
    .action((o) => run(async () => (await import('./commands/token.js')).tokenListCommand(o, io))());
  cfg(token.command('revoke <id-or-name>').description('remove a token; the server refuses it from its next request')).action((id, o) =>
    run(async () => (await import('./commands/token.js')).tokenRevokeCommand(id, o, io))(),
  );
  cfg(program.command('sip-credentials [mac]').description('the SIP accounts ghostguard provisions, for the PBX (after rotate --sip)'))
    .option('--site <site>', 'every device of a site')
    .option('--format <format>', 'csv | pjsip (Asterisk) | freeswitch (directory)', 'csv')
    .option('--output <file>', 'write to a file (mode 0600) instead of stdout')
    .action((mac, o) => run(async () => (await import('./commands/credentials.js')).sipCredentialsCommand(mac, o, io))());
  cfg(program.command('edge').description("firewall rules admitting SIP to a site's phones only from its trusted servers"))
    .option('--site <site>', 'the site')
    .option('--format <format>', 'nftables | iptables | ip6tables | pf | mikrotik', 'nftables')
    .option('--chain <chain>', 'forward (gateway in front of the phones) | input', 'forward')
    .option('--phones <cidrs>', 'comma-separated phone networks (default: any destination)')
    .option('--rate <pps>', 'trusted SIP packets per second (default 200)', int)
    .option('--output <file>', 'write to a file instead of stdout')
    .action((o) => run(async () => (await import('./commands/edge.js')).edgeCommand(o, io))());
  cfg(program.command('audit <targets...>').description('scan hosts, fingerprint phones, prove exposure (CIDR, a-b ranges, hosts, @file)'))
    .option('--exclude <targets>', 'targets to skip (comma-separated)')
    .option('--max-hosts <n>', 'refuse more hosts than this (default 65536)')
    .option('--allow <cidrs>', 'refuse targets outside these ranges')
    .option('--sip-ports <list>', "SIP ports (default 5060 + the policy's)")
    .option('--http-ports <list>', 'HTTP ports (default 80)')
    .option('--https-ports <list>', 'HTTPS ports (default 443)')
    .option('--snmp-port <n>', 'SNMP port (default 161)')
    .option('--community <list>', 'SNMP communities to try (default public,private)')
    .option('--credentials <file>', 'admin logins and communities (YAML/JSON)')
    .option('--concurrency <n>', 'hosts in flight (default 32)')
    .option('--rate <pps>', 'packets per second, all probes (default 200)')
    .option('--host-gap <ms>', 'pause between probes of one host (default 20)')
    .option('--timeout <ms>', 'per-probe timeout (default 1000)')
    .option('--retries <n>', 'UDP retries (default 1)')
    .option('--max-duration <s>', 'stop the run after this long (default 3600)')
    .option('--stale-days <n>', 'a phone not provisioned for this long is stale (default 14)')
    .option('--intrusive', 'send the non-ringing INVITE probe (unsupported Require:; CANCELled if the phone alerts anyway)')
    .option('--no-default-login', 'skip the factory-password login attempt')
    .option('--plain-http-login', 'allow sending provisioned admin passwords over plain HTTP')
    .option('--ssh-ports <list>', 'TCP ports where an identified phone is checked for an SSH banner (ssh-off; default none)')
    .option('--json', 'canonical JSON report')
    .option('--csv', 'CSV report')
    .option('--html <file>', 'also write an HTML report')
    .option('--fail-on <severity>', 'exit 1 on a failing finding at least this severe (default high)')
    .option('--no-store', 'do not record the run in SQLite')
    .option('--verbose', 'show passing checks too')
    .action((targets, o) => run(async () => (await import('./commands/audit.js')).auditCommand(targets, o, io))());
  program
    .command('demo')
    .description('server + emulated phone fleet + audit, all on loopback: see ghostguard work in one command')
    .option('--phones <n>', 'lab phones (default 30)', int)
    .option('--factory <n>', 'of which left at factory defaults (default 9)', int)
    .option('--dir <dir>', 'working directory (default .ghostguard-demo)')
    .option('--duration <seconds>', 'keep running after the audit', int)
    .option('--base-ip <address>', 'first phone address, in 127.0.0.0/8 (default 127.0.60.1)')
    .action((o) => run(async () => (await import('./commands/demo.js')).demoCommand(o, io))());
  program
    .command('lab')
    .description('run a fleet of emulated phones on 127.0.x.y (for demos and tests)')
    .requiredOption('--phones <n>', 'how many phones', int)
    .option('--factory <n>', 'how many stay at factory defaults', int)
    .option('--server <url>', 'provisioning server to boot from (loopback only)')
    .option('--ca <file>', 'the server certificate, for https')
    .option('--duration <seconds>', 'stop after this many seconds', int)
    .option('--base-ip <address>', 'first address (127.0.0.0/8)')
    .option('--http-port <n>', 'web interface port of every phone (plain HTTP, default 8080)', int)
    .option('--https-port <n>', 'web interface port of every phone (HTTPS, default 8443)', int)
    .option('--snmp-port <n>', 'SNMP port of every phone', int)
    .option('--json', 'print the manifest as JSON')
    .option('--write-inventory <file>', 'write a ghostguard config for the planned phones and exit')
    .action((o) => run(async () => (await import('./commands/lab.js')).labCommand(o, io))());
  program
    .command('trace <file>')
    .description('find scanner traffic, unsolicited INVITEs and the phones that answered them in a pcap/pcapng capture or SIP log')
    .option('-c, --config <file>', "trust the registrar/proxy/trusted servers of this configuration's sites")
    .option('--trusted <addresses>', 'trusted sources: addresses or CIDR ranges, comma-separated')
    .option('--json', 'canonical JSON report')
    .option('--fail-on <severity>', 'exit 1 when a finding is at least this severe (default high)')
    .option('--sweep-threshold <n>', 'distinct addresses or extensions that make a sweep (default 10)', int)
    .option('--sweep-window <seconds>', 'sweep window in seconds (default 60)', int)
    .action((file, o) => run(async () => (await import('./commands/trace.js')).traceCommand(file, o, io))());
  cfg(program.command('check <target>').description('one handset, one answer: does it ring for scanners, and why (IP or MAC address)'))
    .option('--json', 'canonical JSON for scripts')
    .option('--sip-ports <list>', "SIP ports to probe (default 5060 and the policy's ports)")
    .option('--http-ports <list>', 'web ports (default 80)')
    .option('--https-ports <list>', 'HTTPS web ports (default 443)')
    .option('--snmp-port <n>', 'SNMP port (default 161)')
    .option('--community <list>', 'SNMP communities to try')
    .option('--timeout <ms>', 'per-probe wait')
    .option('--retries <n>', 'retries per probe')
    .option('--credentials <file>', 'extra web logins and SNMP communities')
    .option('--allow <cidrs>', 'refuse addresses outside these ranges')
    .option('--no-default-login', 'do not try factory web logins')
    .option('--plain-http-login', 'allow sending the provisioned admin password over plain HTTP')
    .option('--ssh-ports <list>', 'TCP ports to check for an SSH banner (ssh-off; default none)')
    .option('--no-store', 'do not record the check as an audit run')
    .option('--safe', 'skip the non-ringing INVITE probe (OPTIONS, web and SNMP only)')
    .action((target, o) => run(async () => (await import('./commands/check.js')).checkCommand(target, o, io))());
  return program;
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let code: number = EXIT.ok;
  if (io === processIo) endQuietlyOnBrokenPipe();
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.error;
    return printError(io.err, err);
  }
}
