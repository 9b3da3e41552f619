/** `ghostguard lab`: a fleet of emulated phones on 127.0.x.y, booted against a server, until --duration or Ctrl-C. */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { GhostguardError } from '../../model/errors.js';
import { planFleet, runLab, showcaseSipClasses, writeInventoryYaml } from '../../lab/index.js';
import { vendors } from '../context.js';
import { EXIT, type CliIo } from '../io.js';

export interface LabCommandOptions {
  phones: number;
  factory?: number;
  server?: string;
  ca?: string;
  duration?: number;
  baseIp?: string;
  httpPort?: number;
  httpsPort?: number;
  snmpPort?: number;
  json?: boolean;
  writeInventory?: string;
}

/** the port the written lab inventory serves on (HTTPS) */
const LAB_SERVER_PORT = 8443;

export async function labCommand(options: LabCommandOptions, io: CliIo): Promise<number> {
  const fleet = {
    phones: options.phones,
    factory: options.factory ?? 0,
    adapters: vendors,
    sipClasses: showcaseSipClasses,
    ...(options.baseIp ? { baseIp: options.baseIp } : {}),
    ...(options.httpPort ? { httpPort: options.httpPort } : {}),
    ...(options.httpsPort ? { httpsPort: options.httpsPort } : {}),
    ...(options.snmpPort ? { snmpPort: options.snmpPort } : {}),
  };
  if (options.writeInventory) {
    const path = resolve(io.cwd, options.writeInventory);
    const planned = planFleet(fleet);
    // device files (they hold secrets) are served over HTTPS only: the hint must lead to a fleet that provisions
    writeInventoryYaml(path, planned, {
      server: { port: LAB_SERVER_PORT, tls: 'auto', publicUrl: `https://127.0.0.1:${LAB_SERVER_PORT}/`, allowPlainHttp: false },
    });
    const ca = join(dirname(options.writeInventory), '.ghostguard-lab', 'tls-cert.pem');
    io.out(
      `wrote ${path}: ${planned.filter((p) => !p.factory).length} provisionable phone(s) of ${planned.length}\n` +
        `next: ghostguard serve -c ${options.writeInventory}   (in one terminal)\n` +
        `      ghostguard lab --phones ${options.phones} --factory ${fleet.factory}${options.baseIp ? ` --base-ip ${options.baseIp}` : ''} --server https://127.0.0.1:${LAB_SERVER_PORT}/ --ca ${ca}   (in another)\n`,
    );
    return EXIT.ok;
  }
  if (options.server?.startsWith('https:') && !options.ca)
    throw new GhostguardError('GG_ERR_USAGE', 'an https --server needs --ca <certificate.pem> (the server prints its certificate path)');
  const serverCa = options.ca ? readFileSync(resolve(io.cwd, options.ca), 'utf8') : undefined;
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await runLab(
      {
        ...fleet,
        ...(options.server ? { server: options.server } : {}),
        ...(serverCa ? { serverCa } : {}),
        ...(options.duration !== undefined ? { durationMs: options.duration * 1000 } : {}),
        signal: abort.signal,
        json: options.json,
      },
      (line) => io.out(line + '\n'),
    );
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return EXIT.ok;
}
