/** Poly (Polycom) SoundPoint IP, VVX and Trio: attribute-XML provisioning with a master config file. */
import type { VendorAdapter } from '../../src/model/vendor-contract.js';
import { POLYCOM_AUDIT } from './audit/hints.js';
import { polycomReadback } from './audit/readback.js';
import { bootSequence } from './files.js';
import { identifyObservation, identifyRequest, OUIS } from './identify.js';
import { polycomLab } from './lab/index.js';
import { MODELS } from './models.js';
import { compile, read, render } from './render.js';
import { polycomManage } from './manage.js';

export const polycom: VendorAdapter = {
  id: 'polycom',
  displayName: 'Poly (Polycom)',
  models: MODELS,
  ouis: OUIS,
  identifyRequest,
  identifyObservation,
  bootSequence,
  // SIP 3.x stock files, in the order of the vendor's default master (`CONFIG_FILES="phone1.cfg, sip.cfg"`)
  stockFiles: ['phone1.cfg', 'sip.cfg'],
  compile,
  render,
  templatedDeviceFiles: true,
  read,
  audit: POLYCOM_AUDIT,
  readback: polycomReadback,
  manage: polycomManage,
  lab: polycomLab,
};
