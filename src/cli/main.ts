/** The `ghostguard` command line: parses arguments, runs a command, maps error codes to exit statuses and plain messages. */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ERROR_CODES, isGhostguardError } from '../model/errors.js';
import { enrollCommand, rotateCommand } from './commands/credentials.js';
import { importCommand } from './commands/import.js';
import { initCommand } from './commands/init.js';
import { labCommand } from './commands/lab.js';
import { renderCommand } from './commands/render.js';
import { serveCommand } from './commands/serve.js';
import { validateCommand } from './commands/validate.js';
import { EXIT, processIo, type CliIo } from './io.js';

const int = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
};

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('ghostguard')
    .description('Hardened provisioning and fleet audits against SIP ghost calls (Yealink, Poly, Grandstream)')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  const run = (fn: () => number | Promise<number>) => async () => setExit(await fn());
  const cfg = (c: Command) => c.option('-c, --config <file>', 'configuration file (default: $GHOSTGUARD_CONFIG or the bundled example)');

  program.command('init [file]').description('write a commented starter configuration').option('--force', 'overwrite an existing file')
    .action((file, o) => run(() => initCommand(file, o, io))());
  cfg(program.command('serve').description('run the provisioning server'))
    .option('--host <address>', 'listen address').option('--port <n>', 'listen port', int)
    .option('--duration <seconds>', 'stop after this many seconds', int).option('--log', 'request log on stdout')
    .option('--workers <n>', 'server processes sharing the listener (default 1)', int)
    .action((o) => run(() => serveCommand(o, io))());
  cfg(program.command('validate').description('check the configuration; exit 1 on any problem')).option('--json', 'machine-readable output')
    .action((o) => run(() => validateCommand(o, io))());
  cfg(program.command('render <mac>').description('print exactly what that phone would receive'))
    .option('--ua <user-agent>', 'the phone\'s HTTP User-Agent (selects model firmware family)')
    .option('--file <name>', 'which of its boot files (default: its device file)')
    .option('--explain', 'print applied and unsupported rules on stdout instead of stderr')
    .option('--reveal', 'print secrets instead of masking them')
    .action((mac, o) => run(() => renderCommand(mac, o, io))());
  cfg(program.command('import <csv>').description('add devices from CSV (dry run unless --apply)')).option('--apply', 'write the configuration')
    .action((csv, o) => run(() => importCommand(csv, o, io))());
  cfg(program.command('enroll <mac>').description('open an enrolment window for a device')).option('--hours <n>', 'window length', int)
    .action((mac, o) => run(() => enrollCommand(mac, o, io))());
  cfg(program.command('rotate [mac]').description('rotate provisioning credentials of a device or a site'))
    .option('--site <site>', 'every device of a site').option('--sip', 'also rotate generated SIP passwords')
    .action((mac, o) => run(() => rotateCommand(mac, o, io))());
  cfg(program.command('edge').description('firewall rules admitting SIP to a site\'s phones only from its trusted servers')).option('--site <site>', 'the site').option('--format <format>', 'nftables | iptables | ip6tables | pf | mikrotik', 'nftables').option('--chain <chain>', 'forward (gateway in front of the phones) | input', 'forward').option('--phones <cidrs>', 'comma-separated phone networks (default: any destination)').option('--rate <pps>', 'trusted SIP packets per second (default 200)', int).option('--output <file>', 'write to a file instead of stdout').action((o) => run(async () => (await import('./commands/edge.js')).edgeCommand(o, io))());
  program.command('lab').description('run a fleet of emulated phones on 127.0.x.y (for demos and tests)')
    .requiredOption('--phones <n>', 'how many phones', int).option('--factory <n>', 'how many stay at factory defaults', int)
    .option('--server <url>', 'provisioning server to boot from (loopback only)').option('--ca <file>', 'the server certificate, for https')
    .option('--duration <seconds>', 'stop after this many seconds', int).option('--base-ip <address>', 'first address (127.0.0.0/8)')
    .option('--http-port <n>', 'web interface port of every phone', int).option('--snmp-port <n>', 'SNMP port of every phone', int)
    .option('--json', 'print the manifest as JSON').option('--write-inventory <file>', 'write a ghostguard config for the planned phones and exit')
    .action((o) => run(() => labCommand(o, io))());
  return program;
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, (c) => { code = c; });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.error;
    if (isGhostguardError(err)) {
      io.err(`error ${err.code}: ${err.message}\n${err.details.map((d) => `  ${d}\n`).join('')}`);
      return err.code === 'GG_ERR_CONFIG_INVALID' ? EXIT.findings : EXIT.error;
    }
    io.err(`error: ${(err as Error).message}\n`);
    return EXIT.error;
  }
}

export { ERROR_CODES };
