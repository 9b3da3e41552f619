/** Yealink phones as the lab emulates them. The SNMP enterprise OID is a lab choice (none verified in vendor-facts). */
import type { VendorLab } from '../../../src/model/vendor-lab.js';
import { yealinkProfile } from './behaviour.js';
import { yealinkBoot } from './boot.js';
import { yealinkWeb } from './web.js';

export const yealinkLab: VendorLab = {
  profile: yealinkProfile,
  snmp: { sysObjectId: '1.3.6.1.4.1.37459.2.1', sysDescr: (model, firmware) => `Yealink SIP-${model} ${firmware}` },
  web: yealinkWeb,
  boot: yealinkBoot,
};
