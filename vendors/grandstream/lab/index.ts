/** Grandstream phones as the lab emulates them. The SNMP enterprise OID is a lab choice (none verified in vendor-facts). */
import type { VendorLab } from '../../../src/model/vendor-lab.js';
import { grandstreamProfile } from './behaviour.js';
import { grandstreamBoot } from './boot.js';
import { grandstreamVariants } from './variants.js';
import { grandstreamWeb } from './web.js';

export const grandstreamLab: VendorLab = {
  profile: grandstreamProfile,
  snmp: { sysObjectId: '1.3.6.1.4.1.42397.1.2', sysDescr: (model, firmware) => `Grandstream ${model} ${firmware}` },
  web: grandstreamWeb,
  boot: grandstreamBoot,
  variants: grandstreamVariants,
};
