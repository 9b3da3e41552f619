/**
 * `ghostguard resync <mac> | --site S | --all [--reboot] [--dry-run] [--yes]`: make phones fetch their configuration
 * again (or restart) through their vendor's management interface. One phone is sent at once; several are listed as a
 * dry run until `--yes` confirms. Exit 0 when every phone in scope was sent the request, 1 when any was not (no
 * verified method, address unknown, refused, failed), 2 on a usage error.
 */
import { createAuditDispatcher, undiciHttpClient } from '../../auditor/probes/http-client.js';
import type { ResyncScope, ResyncTarget } from '../../auditor/resync/resync-plan.js';
import { planResyncRun, sendResyncRun, type ResyncRunDeps } from '../../auditor/resync/resync-run.js';
import type { ResyncResult } from '../../auditor/resync/resync-send.js';
import { GhostguardError } from '../../model/errors.js';
import { macWithColons, parseMac } from '../../model/mac.js';
import type { PhoneAction } from '../../model/vendor-manage.js';
import { openOffline, vendors } from '../context.js';
import { EXIT, type CliIo } from '../io.js';

export interface ResyncOptions {
  config?: string;
  example?: boolean;
  site?: string;
  all?: boolean;
  reboot?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  port?: number;
  plainHttp?: boolean;
}

function scopeOf(macText: string | undefined, o: ResyncOptions): ResyncScope {
  if ([macText !== undefined, o.site !== undefined, o.all === true].filter(Boolean).length !== 1)
    throw new GhostguardError('GG_ERR_USAGE', 'give one of: a MAC address, --site <site>, --all');
  if (o.site !== undefined) return { site: o.site };
  if (o.all) return { all: true };
  const mac = parseMac(macText!);
  if (!mac) throw new GhostguardError('GG_ERR_USAGE', `not a MAC address: ${macText}`);
  return { mac };
}

function targetLine(t: ResyncTarget): string {
  const who = `${macWithColons(t.mac)}  ${t.site}  ${t.vendor} ${t.model}`;
  if (!t.ready) return `  ${who}  ${t.address ?? '-'}  not sent: ${t.reason}\n`;
  const steps = t.steps.map((s) => `${s.method} ${t.origin}${s.path} (${s.auth})`).join(', then ');
  return `  ${who}  ${t.address}  ${t.interface}: ${steps}${t.caveat ? `\n      note: ${t.caveat}` : ''}\n`;
}

const resultLine = (r: ResyncResult): string =>
  `  ${macWithColons(r.target.mac)}  ${r.target.address}  ${r.outcome.result}: ${r.outcome.detail}\n`;

export async function resyncCommand(macText: string | undefined, options: ResyncOptions, io: CliIo): Promise<number> {
  const scope = scopeOf(macText, options);
  const action: PhoneAction = options.reboot ? 'reboot' : 'resync';
  const offline = await openOffline(options, io);
  const dispatcher = createAuditDispatcher();
  try {
    const { inventory, store } = offline;
    if ('site' in scope && !inventory.config.sites[scope.site])
      throw new GhostguardError(
        'GG_ERR_USAGE',
        `unknown site "${scope.site}" (sites: ${Object.keys(inventory.config.sites).join(', ') || 'none'})`,
      );
    const deps: ResyncRunDeps = {
      vendors,
      inventory,
      fetchHistory: (mac, limit) => store.fetchHistory(mac, limit),
      client: undiciHttpClient(dispatcher),
      // queued like every event, to both sinks; close() below writes them
      event: (e) => offline.event({ ...e, severity: 'info' }),
      requestedBy: 'cli',
      onResult: (r) => io.out(resultLine(r)),
    };
    const web = { port: options.port ?? (options.plainHttp ? 80 : 443), plainHttp: options.plainHttp === true };
    const allowed = inventory.config.server.auditAllow;
    const targets = await planResyncRun({ action, scope, web, ...(allowed ? { allowed } : {}) }, deps);
    const ready = targets.filter((t) => t.ready);
    const confirmNeeded = ready.length > 1 && !options.yes;
    const dry = options.dryRun === true || confirmNeeded;
    io.out(`${action} ${targets.length} phone${targets.length === 1 ? '' : 's'} (${ready.length} reachable by a verified method):\n`);
    for (const t of targets) io.out(targetLine(t));
    if (dry) {
      io.out(
        confirmNeeded && !options.dryRun
          ? `dry run: nothing sent; ${ready.length} phones would be contacted — run again with --yes to send\n`
          : 'dry run: nothing sent\n',
      );
      return EXIT.ok;
    }
    if (!ready.length) return EXIT.findings;
    io.out(`sending (${web.plainHttp ? 'plain HTTP: the admin password crosses the network in clear' : 'HTTPS'}):\n`);
    const results = await sendResyncRun(action, targets, deps);
    const sent = results.filter((r) => r.outcome.result === 'sent').length;
    io.out(
      `${sent} of ${targets.length} sent${sent ? `; the phone${sent === 1 ? '' : 's'} fetch${sent === 1 ? 'es' : ''} ${action === 'reboot' ? 'after restarting' : 'now'}` : ''}\n`,
    );
    return sent === targets.length ? EXIT.ok : EXIT.findings;
  } finally {
    await dispatcher.close();
    await offline.close();
  }
}
