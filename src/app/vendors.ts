/** The vendor list the composition root passes in: the only src/ module that imports vendors/index.ts. */
import { VENDORS } from '../../vendors/index.js';
import { catalogueOf } from '../model/model-catalogue.js';

export const vendors = VENDORS;
export const catalogue = catalogueOf(VENDORS);
