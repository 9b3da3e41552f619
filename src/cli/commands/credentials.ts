/** `ghostguard enroll` and `ghostguard rotate`: open an enrolment window; rotate provisioning (and SIP) credentials. */
import { GhostguardError } from '../../model/errors.js';
import { parseMac, type Mac } from '../../model/mac.js';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openOffline } from '../context.js';
import { SIP_EXPORT_FORMATS, sipAccountsText, type SipAccount, type SipExportFormat } from '../sip-export.js';
import { EXIT, type CliIo } from '../io.js';

export async function enrollCommand(
  macText: string | undefined,
  options: { config?: string; hours?: number; site?: string },
  io: CliIo,
): Promise<number> {
  if (!macText === !options.site) throw new GhostguardError('GG_ERR_USAGE', 'give a MAC address or --site <site> (one of them)');
  const offline = await openOffline(options, io);
  try {
    const { inventory } = offline;
    let macs: Mac[];
    if (options.site) {
      if (!inventory.config.sites[options.site])
        throw new GhostguardError(
          'GG_ERR_USAGE',
          `unknown site "${options.site}" (sites: ${Object.keys(inventory.config.sites).join(', ') || 'none'})`,
        );
      macs = inventory.devices.filter((d) => d.site === options.site && !d.disabled).map((d) => d.mac);
    } else {
      const mac = requireMac(macText!);
      if (!inventory.device(mac)) throw new GhostguardError('GG_ERR_DEVICE_UNKNOWN', `no device ${macText} in the inventory`);
      macs = [mac];
    }
    const hours = options.hours ?? inventory.config.server.enrolmentWindowHours;
    const until = new Date(Date.now() + hours * 3600_000);
    for (const mac of macs) {
      await offline.store.openEnrolment(mac, until);
      io.out(`enrolment window for ${mac} open until ${until.toISOString()}\n`);
    }
    if (options.site)
      io.err(`${macs.length} device(s) of site ${options.site} may fetch once without credentials until ${until.toISOString()}\n`);
    return EXIT.ok;
  } finally {
    await offline.close();
  }
}

export async function rotateCommand(
  macText: string | undefined,
  options: { config?: string; site?: string; sip?: boolean },
  io: CliIo,
): Promise<number> {
  const offline = await openOffline(options, io);
  try {
    const { inventory, store } = offline;
    let macs: Mac[];
    if (options.site) {
      if (!inventory.config.sites[options.site]) throw new GhostguardError('GG_ERR_USAGE', `unknown site "${options.site}"`);
      macs = inventory.devices.filter((d) => d.site === options.site).map((d) => d.mac);
    } else if (macText) {
      const mac = requireMac(macText);
      if (!inventory.device(mac)) throw new GhostguardError('GG_ERR_DEVICE_UNKNOWN', `no device ${macText} in the inventory`);
      macs = [mac];
    } else {
      throw new GhostguardError('GG_ERR_USAGE', 'give a MAC or --site <site>');
    }
    for (const mac of macs) {
      const state = await store.rotateCredentials(mac, Boolean(options.sip));
      offline.event({
        reason: 'credentials-rotated',
        mac,
        detail: `generation ${state.generation}${options.sip ? ', SIP passwords too' : ''}`,
      });
      io.out(
        `${mac}: provisioning credentials → generation ${state.generation}; the old ones stay valid until the phone fetches with the new ones${options.sip ? '; generated SIP passwords rotated (update the PBX)' : ''}\n`,
      );
    }
    if (options.sip)
      io.err(
        `the PBX needs the new SIP passwords: ghostguard sip-credentials ${options.site ? `--site ${options.site}` : macs[0]} --format csv|pjsip|freeswitch\n`,
      );
    return EXIT.ok;
  } finally {
    await offline.close();
  }
}

export interface SipCredentialsOptions {
  config?: string;
  example?: boolean;
  site?: string;
  format?: string;
  output?: string;
}

/** `ghostguard sip-credentials [mac] [--site s] [--format csv|pjsip|freeswitch] [--output f]`: the accounts as a PBX takes them. */
export async function sipCredentialsCommand(macText: string | undefined, options: SipCredentialsOptions, io: CliIo): Promise<number> {
  const format = (options.format ?? 'csv') as SipExportFormat;
  if (!SIP_EXPORT_FORMATS.includes(format))
    throw new GhostguardError('GG_ERR_USAGE', `--format must be one of ${SIP_EXPORT_FORMATS.join(', ')}`);
  const offline = await openOffline(options, io);
  try {
    const { inventory, store } = offline;
    if (options.site && !inventory.config.sites[options.site]) throw new GhostguardError('GG_ERR_USAGE', `unknown site "${options.site}"`);
    const mac = macText ? requireMac(macText) : undefined;
    if (mac && !inventory.device(mac)) throw new GhostguardError('GG_ERR_DEVICE_UNKNOWN', `no device ${macText} in the inventory`);
    const devices = inventory.devices.filter((d) => !d.disabled && (mac ? d.mac === mac : !options.site || d.site === options.site));
    const accounts: SipAccount[] = [];
    for (const d of devices) {
      const resolved = inventory.resolve(d.mac, await store.credentials(d.mac));
      if (!resolved)
        throw new GhostguardError('GG_ERR_SECRET_MISSING', `${d.mac}: a secret it references is not available (env:NAME unset?)`);
      for (const l of resolved.lines)
        accounts.push({
          mac: d.mac,
          site: d.site,
          registrar: resolved.site.registrar,
          extension: l.extension,
          authUser: l.authUser,
          password: l.password,
          displayName: l.displayName,
        });
    }
    const text = sipAccountsText(format, accounts);
    if (options.output) {
      const file = resolve(io.cwd, options.output);
      writeFileSync(file, text, { mode: 0o600 });
      io.err(`${file}: ${accounts.length} SIP account(s) as ${format} (mode 0600: it holds passwords)\n`);
    } else {
      io.out(text);
    }
    return EXIT.ok;
  } finally {
    await offline.close();
  }
}

function requireMac(text: string): Mac {
  const mac = parseMac(text);
  if (!mac) throw new GhostguardError('GG_ERR_MAC_INVALID', `not a MAC address: ${text}`);
  return mac;
}
