/** The security events the server records: each reason once, with its default severity and what it means. */

export type EventSeverity = 'info' | 'low' | 'medium' | 'high' | 'critical';

export const SECURITY_REASONS = {
  'unknown-mac': { severity: 'medium', meaning: 'a device file was requested for a MAC the inventory does not hold' },
  'ua-url-mismatch': { severity: 'high', meaning: "the User-Agent's MAC differs from the MAC in the URL" },
  'model-mismatch': { severity: 'high', meaning: "the phone's model or vendor differs from the inventory" },
  'bad-credentials': { severity: 'high', meaning: 'Digest credentials that are not this device’s (or a forged nonce)' },
  'stale-nonce': { severity: 'low', meaning: 'a Digest answer to an expired nonce (the phone is challenged again)' },
  'replayed-nonce': { severity: 'high', meaning: 'a Digest nonce-count seen before: a captured header replayed' },
  banned: { severity: 'medium', meaning: 'a source crossed a failure budget and is banned for a while' },
  canary: { severity: 'critical', meaning: 'a decoy MAC from `canaries:` was requested (the source is banned at once)' },
  'weakening-override': { severity: 'high', meaning: 'a phone-uploaded override would undo a hardening rule' },
  'policy-violating-render': { severity: 'critical', meaning: 'a rendered file would break the policy; it is not served' },
  'not-enrolled': {
    severity: 'medium',
    meaning:
      'a known device came back without credentials after a Digest challenge it never answered, outside its enrolment window (once per device and source; the challenge of a normal Digest fetch is no event)',
  },
  'device-disabled': { severity: 'medium', meaning: 'a device file for a device marked disabled' },
  'source-pin-mismatch': { severity: 'high', meaning: 'a request from outside the address or subnet the device is pinned to' },
  'bad-path': { severity: 'medium', meaning: 'a request path that is not a file name, or a device file without a MAC' },
  'bad-user-agent': { severity: 'medium', meaning: 'a User-Agent header that is oversized or holds control characters' },
  'bad-upload': { severity: 'medium', meaning: 'an override upload that cannot be parsed' },
  'unknown-file': { severity: 'info', meaning: 'a file name no vendor serves (or an upload to a file that takes none)' },
  'firmware-unknown': { severity: 'low', meaning: 'a firmware version no family knows; the newest family is assumed' },
  'plain-http-refused': { severity: 'medium', meaning: 'a request over plain HTTP for something only HTTPS serves' },
  'config-reload-failed': { severity: 'high', meaning: 'a changed configuration did not validate; the previous one stays' },
  'enrolment-closed': { severity: 'info', meaning: "a device's enrolment window closed on its first successful fetch" },
  'credentials-rotated': {
    severity: 'info',
    meaning: "`ghostguard rotate`, or the dashboard's rotate-and-re-enrol, issued new provisioning (and SIP) credentials",
  },
  'admin-login-failed': { severity: 'medium', meaning: 'a wrong dashboard password (form or Basic)' },
  'proxy-header-refused': {
    severity: 'medium',
    meaning:
      'a connection from a `server.proxyProtocol.from` load balancer did not start with a valid PROXY header (missing, malformed, oversized or too slow): closed before TLS or HTTP (once per address and minute)',
  },
  'malformed-request': {
    severity: 'medium',
    meaning:
      'the HTTP parser refused the request (control characters, broken framing), or a method phones never send (405); counted toward a ban',
  },
  'audit-out-of-scope': { severity: 'high', meaning: "an operator's audit or check reached outside `server.auditAllow`" },
  'unrenderable-request': {
    severity: 'low',
    meaning: 'a shared file asked for with no model, or a model the vendor does not know (404, counted toward a ban)',
  },
  'unauthenticated-claim': {
    severity: 'info',
    meaning: "a MAC named by an unauthenticated request (a shared file's User-Agent); never the device's fetch history",
  },
  'enrolment-conflict': {
    severity: 'high',
    meaning: 'a device that enrolled from one address is refused from another: possible theft of its enrolment',
  },
  'enrolment-off-site': {
    severity: 'high',
    meaning: "an enrolment claim from outside the device's site `networks:`: refused (401), never enrols",
  },
  'distributed-guessing': {
    severity: 'high',
    meaning:
      'requests refused without being paid back by an authenticated fetch, spread over many /24s, crossed `rateLimits.spreadGuesses` in 10 minutes though no /24 reached its own ban (once per window)',
  },
  'phone-resync': {
    severity: 'info',
    meaning: "an operator sent a resync or reboot to a phone's management interface (CLI or dashboard), with its outcome",
  },
  'inventory-mismatch': {
    severity: 'high',
    meaning: 'the replicas alive serve different versions of the configuration file (once per different set)',
  },
  'connection-limit': {
    severity: 'low',
    meaning: 'phone-listener or admin-listener connections closed at a connection cap (one event per source and minute)',
  },
} as const satisfies Record<string, { severity: EventSeverity; meaning: string }>;

export type SecurityReason = keyof typeof SECURITY_REASONS;

export const SECURITY_REASON_LIST = Object.keys(SECURITY_REASONS) as readonly SecurityReason[];
