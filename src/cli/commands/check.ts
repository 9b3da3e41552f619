/**
 * `ghostguard check <ip|mac>`: for a help-desk technician with a user on the line. Who the phone is, whether it rings
 * for scanners (the ghost-call verdict) and why, each failing rule with its fix, and its provisioning history. Sends the
 * non-ringing INVITE probe whenever SIP answers, unless --safe. Exit 0 when the phone refuses or ignores strangers'
 * calls, 1 when it rings, likely rings, is undecided or could not be checked, 2 on usage or runtime errors.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { toAuditOptions } from '../../auditor/audit-options.js';
import { canonicalJson } from '../../report/canonical-json.js';
import { checkHandset } from '../../dashboard/check-service.js';
import { checkToText } from '../../dashboard/check-text.js';
import { verdictExit } from '../../dashboard/verdict.js';
import { openOffline, vendors } from '../context.js';
import type { CliIo } from '../io.js';

export interface CheckOptions {
  config?: string;
  json?: boolean;
  sipPorts?: string;
  httpPorts?: string;
  httpsPorts?: string;
  snmpPort?: string;
  community?: string | string[];
  timeout?: string;
  retries?: string;
  defaultLogin?: boolean;
  plainHttpLogin?: boolean;
  /** TCP ports to check for an SSH banner */
  sshPorts?: string;
  credentials?: string;
  allow?: string | string[];
  /** commander's --no-store */
  store?: boolean;
  /** skip the non-ringing INVITE probe */
  safe?: boolean;
}

export async function checkCommand(target: string, options: CheckOptions, io: CliIo): Promise<number> {
  const readFile = (p: string) => readFileSync(resolve(io.cwd, p), 'utf8');
  const { targets: _unused, ...auditOptions } = toAuditOptions(
    {
      targets: [target],
      sipPorts: options.sipPorts,
      httpPorts: options.httpPorts,
      httpsPorts: options.httpsPorts,
      snmpPort: options.snmpPort,
      community: options.community,
      timeout: options.timeout,
      retries: options.retries,
      defaultLogin: options.defaultLogin,
      plainHttpLogin: options.plainHttpLogin,
      sshPorts: options.sshPorts,
      credentials: options.credentials,
      allow: options.allow,
    },
    readFile,
  );
  const offline = await openOffline(options, io);
  try {
    const result = await checkHandset(target, {
      vendors,
      inventory: () => offline.inventory,
      store: offline.store,
      auditOptions,
      safe: options.safe === true,
      ...(options.store === false ? {} : { auditStore: offline.store.auditRuns }),
    });
    io.out(options.json ? canonicalJson(result) : checkToText(result));
    return verdictExit(result.verdict);
  } finally {
    await offline.close();
  }
}
