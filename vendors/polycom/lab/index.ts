/** Poly phones as the lab emulates them. The SNMP enterprise OID is a lab choice (none verified in vendor-facts). */
import type { VendorLab } from '../../../src/model/vendor-lab.js';
import { polycomProfile } from './behaviour.js';
import { polycomBoot } from './boot.js';
import { polycomWeb } from './web.js';

export const polycomLab: VendorLab = {
  profile: polycomProfile,
  snmp: { sysObjectId: '1.3.6.1.4.1.2684.1.1', sysDescr: (model, firmware) => `Polycom ${model.replace(/_/g, ' ')} ${firmware}` },
  web: polycomWeb,
  boot: polycomBoot,
};
