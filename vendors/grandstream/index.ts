/** The Grandstream adapter: GXP21xx/GXP16xx (P-value XML) and GRP26xx (P-value, then alias XML from 1.0.9.103). */
import type { VendorAdapter } from '../../src/model/vendor-contract.js';
import { GRANDSTREAM_AUDIT, GRANDSTREAM_VULNERABLE } from './audit/hints.js';
import { grandstreamReadback } from './audit/readback.js';
import { bootSequence } from './files.js';
import { identifyObservation, identifyRequest, OUIS } from './identify.js';
import { grandstreamLab } from './lab/index.js';
import { MODELS } from './models.js';
import { compile, read, render } from './render.js';
import { aliasToPvalue } from './aliases.js';
import { grandstreamManage } from './manage.js';

export { aliasForPvalue, aliasToPvalue, pvalueForAlias, pvalueToAlias } from './aliases.js';

export const grandstream: VendorAdapter = {
  id: 'grandstream',
  displayName: 'Grandstream',
  models: MODELS,
  ouis: OUIS,
  identifyRequest,
  identifyObservation,
  bootSequence,
  compile,
  render,
  templatedDeviceFiles: true,
  read,
  /** api.values.get speaks P-values whatever file format the firmware reads: alias settings are translated, key and value, in the family's own terms. */
  apiSetting: (s, family) => (/^P\d+$/.test(s.key) ? s : aliasToPvalue(s, family)),
  audit: GRANDSTREAM_AUDIT,
  readback: grandstreamReadback,
  vulnerableFirmware: GRANDSTREAM_VULNERABLE,
  sipPortPerAccount: true,
  // `… DevId <mac>` in every provisioning User-Agent (firmware-notes/grandstream.md)
  macInUserAgent: true,
  manage: grandstreamManage,
  lab: grandstreamLab,
};
