/** `ghostguard enroll` and `ghostguard rotate`: open an enrolment window; rotate provisioning (and SIP) credentials. */
import { GhostguardError } from '../../model/errors.js';
import { parseMac, type Mac } from '../../model/mac.js';
import { openOffline } from '../context.js';
import { EXIT, type CliIo } from '../io.js';

export function enrollCommand(macText: string | undefined, options: { config?: string; hours?: number; site?: string }, io: CliIo): number {
  if (!macText === !options.site) throw new GhostguardError('GG_ERR_USAGE', 'give a MAC address or --site <site> (one of them)');
  const offline = openOffline(options, io);
  try {
    const { inventory } = offline;
    let macs: Mac[];
    if (options.site) {
      if (!inventory.config.sites[options.site]) throw new GhostguardError('GG_ERR_USAGE', `unknown site "${options.site}" (sites: ${Object.keys(inventory.config.sites).join(', ') || 'none'})`);
      macs = inventory.devices.filter((d) => d.site === options.site && !d.disabled).map((d) => d.mac);
    } else {
      const mac = requireMac(macText!);
      if (!inventory.device(mac)) throw new GhostguardError('GG_ERR_DEVICE_UNKNOWN', `no device ${macText} in the inventory`);
      macs = [mac];
    }
    const hours = options.hours ?? inventory.config.server.enrolmentWindowHours;
    const until = new Date(Date.now() + hours * 3600_000);
    for (const mac of macs) {
      offline.store.openEnrolment(mac, until);
      io.out(`enrolment window for ${mac} open until ${until.toISOString()}\n`);
    }
    if (options.site) io.err(`${macs.length} device(s) of site ${options.site} may fetch once without credentials until ${until.toISOString()}\n`);
    return EXIT.ok;
  } finally {
    offline.close();
  }
}

export function rotateCommand(macText: string | undefined, options: { config?: string; site?: string; sip?: boolean }, io: CliIo): number {
  const offline = openOffline(options, io);
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
      const state = store.rotateCredentials(mac, Boolean(options.sip));
      store.recordEvent({ ts: new Date().toISOString(), reason: 'credentials-rotated', severity: 'info', mac, detail: `generation ${state.generation}${options.sip ? ', SIP passwords too' : ''}` });
      io.out(`${mac}: provisioning credentials → generation ${state.generation}; the old ones stay valid until the phone fetches with the new ones${options.sip ? '; generated SIP passwords rotated (update the PBX)' : ''}\n`);
    }
    return EXIT.ok;
  } finally {
    offline.close();
  }
}

function requireMac(text: string): Mac {
  const mac = parseMac(text);
  if (!mac) throw new GhostguardError('GG_ERR_MAC_INVALID', `not a MAC address: ${text}`);
  return mac;
}
