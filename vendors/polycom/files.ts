/**
 * Poly file names: the master config (`000000000000.cfg`, per-phone `<mac>.cfg`), the ghostguard device config it lists,
 * the phone's override uploads and its log uploads. MACs are 12 hex digits, lowercase on the wire, normalised here.
 */
import { isUnicastMac, type Mac } from '../../src/model/mac.js';
import type { FileRef, PhoneRequest } from '../../src/model/vendor-contract.js';
import { familyOf } from './families.js';
import { findModel, productOf } from './models.js';
import { provisioningAgent } from './user-agent.js';

export const MASTER_FILE = '000000000000.cfg';
export const DEVICE_FILE_SUFFIX = '-ghostguard.cfg';
/** the phone substitutes its own MAC for the placeholder */
export const MASTER_CONFIG_FILES = `[PHONE_MAC_ADDRESS]${DEVICE_FILE_SUFFIX}`;
/** the application image the master names (as in the reference master); ghostguard does not serve images */
export const MASTER_APP_FILE = 'sip.ld';

type Method = PhoneRequest['method'];

interface Slot {
  kind: FileRef['kind'];
  secret: boolean;
  methods: readonly Method[];
}

const READ: readonly Method[] = ['GET', 'HEAD'];

const SLOTS: Readonly<Record<string, Slot | null>> = {
  '.cfg': { kind: 'boot', secret: false, methods: READ },
  [DEVICE_FILE_SUFFIX]: { kind: 'device', secret: true, methods: READ },
  '-phone.cfg': { kind: 'override', secret: true, methods: ['GET', 'HEAD', 'PUT'] },
  '-web.cfg': { kind: 'override', secret: true, methods: ['GET', 'HEAD', 'PUT'] },
  '-boot.log': { kind: 'log', secret: false, methods: ['PUT'] },
  '-app.log': { kind: 'log', secret: false, methods: ['PUT'] },
  // the phone asks for these, ghostguard does not provide them
  '-license.cfg': null,
  '-directory.xml': null,
};

const NAME = /^([0-9a-fA-F]{12})(\.cfg|-[a-z]+\.(?:cfg|log|xml))$/;

/** The FileRef for one of our file names, or undefined when the name or method is not something we serve or accept. */
export function classifyFile(fileName: string, method: Method): FileRef | undefined {
  if (fileName === MASTER_FILE) {
    return READ.includes(method) ? { name: fileName, kind: 'boot', secret: false, upload: false } : undefined;
  }
  const m = NAME.exec(fileName);
  if (!m) return undefined;
  const slot = SLOTS[m[2]!];
  const mac = m[1]!.toLowerCase() as Mac;
  if (!slot?.methods.includes(method) || !isUnicastMac(mac)) return undefined;
  return { name: fileName, kind: slot.kind, mac, secret: slot.secret, upload: method === 'PUT' };
}

export function bootSequence(
  mac: Mac,
  modelId: string,
  firmware: string,
): { fileName: string; method: 'GET' | 'PUT'; userAgent: string }[] {
  const model = findModel(modelId);
  // UCS adds ` Type/Application`; the SIP 3.x application does not. The Trio serial is not parsed; the lab uses the MAC.
  const typeSuffix = familyOf(firmware) !== 'sip3';
  const userAgent = provisioningAgent(
    model?.product ?? productOf(modelId),
    modelId,
    firmware,
    typeSuffix,
    model?.serialInAgent ? mac : undefined,
  );
  return [
    { fileName: `${mac}.cfg`, method: 'GET', userAgent },
    { fileName: MASTER_FILE, method: 'GET', userAgent },
    { fileName: `${mac}${DEVICE_FILE_SUFFIX}`, method: 'GET', userAgent },
    { fileName: `${mac}-phone.cfg`, method: 'GET', userAgent },
    { fileName: `${mac}-app.log`, method: 'PUT', userAgent },
  ];
}
