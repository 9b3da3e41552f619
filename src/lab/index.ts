/** The emulated phone lab: public surface for the CLI (`ghostguard lab`, `demo`), the benchmarks and end-to-end tests. */
export { EmulatedPhone, type PhoneSpec } from './phone.js';
export type { PhoneManifest } from './phone-manifest.js';
export { LabFleet, planFleet, showcaseSipClasses } from './fleet.js';
export { runLab } from './run-lab.js';
export { inventoryYaml, writeInventoryYaml } from './inventory-yaml.js';
