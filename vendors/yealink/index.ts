/** The Yealink adapter: SIP-T19P E2 … T5x desk phones, firmware V7x to V8x. */
import type { VendorAdapter } from '../../src/model/vendor-contract.js';
import { YEALINK_AUDIT } from './audit/hints.js';
import { yealinkWebLogin } from './audit/web-login.js';
import { bootSequence } from './files.js';
import { identifyObservation, identifyRequest, OUIS } from './identify.js';
import { yealinkLab } from './lab/index.js';
import { MODELS } from './models.js';
import { compile, read, render } from './render.js';
import { yealinkManage } from './manage.js';

export const yealink: VendorAdapter = {
  id: 'yealink',
  displayName: 'Yealink',
  models: MODELS,
  ouis: OUIS,
  identifyRequest,
  identifyObservation,
  bootSequence,
  compile,
  render,
  templatedDeviceFiles: true,
  read,
  audit: YEALINK_AUDIT,
  readback: yealinkWebLogin,
  // every provisioning User-Agent ends with the MAC (firmware-notes/yealink.md)
  macInUserAgent: true,
  manage: yealinkManage,
  lab: yealinkLab,
};
