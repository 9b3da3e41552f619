/** The closed list of vendor adapters. Only composition roots (CLI, server entry, lab) import this. */
import type { VendorAdapter } from '../src/model/vendor-contract.js';
import { grandstream } from './grandstream/index.js';
import { polycom } from './polycom/index.js';
import { yealink } from './yealink/index.js';

export const VENDORS: readonly VendorAdapter[] = [yealink, polycom, grandstream];

export function vendorById(id: string): VendorAdapter | undefined {
  return VENDORS.find((v) => v.id === id);
}
