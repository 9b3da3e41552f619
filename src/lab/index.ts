/** The emulated phone lab: public surface for the CLI (`ghostguard lab`), the auditor's tests and end-to-end tests. */
export { PhoneState } from './phone-state.js';
export { EmulatedPhone, DEFAULT_HTTP_PORT, DEFAULT_HTTPS_PORT, DEFAULT_SNMP_PORT, type PhoneSpec, type PhoneManifest, type PhoneExpectation } from './phone.js';
export { LabFleet, planFleet, showcaseSipClasses, DEFAULT_BASE_IP, type FleetOptions } from './fleet.js';
export { SIP_CLASSES, SIP_CLASS_MEANING, classGroundTruth, isSipClass, type SipClass, type ExpectedGhostCall } from './sip-classes.js';
export { runLab, formatManifest, type RunLabOptions } from './run-lab.js';
export { inventoryYaml, writeInventoryYaml, LAB_REGISTRAR, type InventoryYamlOptions, type InventoryPhone } from './inventory-yaml.js';
export { bootPhone, type BootReport, type FileRecord } from './phone-boot.js';
export { SipEndpoint, ALLOW, SUPPORTED } from './sip-endpoint.js';
export { parseSipMessage, buildRequest, buildResponse, header, headerAll, type SipMessage, type SipRequest, type SipResponse } from './sip-message.js';
export { allocateAddresses, isLoopbackV4 } from './loopback.js';
