/**
 * Grandstream phones set up by hand, as real ones can be. `snmp-public-community`: a GRP26xx whose administrator
 * switched the SNMP agent on (P21896), chose SNMPv2c (P21904 = 2; the factory setting is 3, SNMPv3 only) and left the
 * well-known community `public` (P21902) — P-values as documented in the GRP26xx P-value template (firmware-notes/
 * grandstream.md). The auditor must find it answering and fail snmp-locked.
 */
import type { LabVariant } from '../../../src/model/vendor-lab.js';
import { serializeGsProvision } from '../../_shared/gs-provision-xml.js';

const SNMP_V2C_PUBLIC = [
  { key: 'P21896', value: '1' },
  { key: 'P21904', value: '2' },
  { key: 'P21902', value: 'public' },
];

export const grandstreamVariants: readonly LabVariant[] = [
  {
    name: 'snmp-public-community',
    model: 'GRP2612',
    firmware: '1.0.5.48',
    // the firmware keeps only a file naming its own MAC, so the hand-made settings carry it too
    presets: (mac) => [{ fileName: `cfg${mac}.xml`, body: serializeGsProvision('pvalue', SNMP_V2C_PUBLIC, mac) }],
  },
];
