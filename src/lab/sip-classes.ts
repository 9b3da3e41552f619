/**
 * Vendor-neutral SIP behaviour classes a lab phone can be given: how it answers an INVITE from a stranger (a source
 * that is not one of its trusted servers), whatever its vendor's settings would make it do. Real phones of every
 * vendor are met in these shapes; the lab shows each, and its ground truth comes from the class given, never from the
 * auditor. Other requests (OPTIONS, trusted callers) still follow the phone's settings.
 */
export const SIP_CLASSES = ['rings', 'refuse-403', 'drop-invite', 'trying-then-403', 'challenge-401', 'checks-request-uri-user'] as const;

export type SipClass = (typeof SIP_CLASSES)[number];

/** The ghost-call verdict an auditor should reach for a phone, from the lab's own configuration of it. */
export type ExpectedGhostCall = 'rings' | 'likely-rings' | 'refuses' | 'ignores';

/**
 * Ground truth for a class phone audited with the INVITE probe. `extensionsListed`: the inventory lists the phone's own
 * extensions, so the probe also addresses them (a phone that checks the Request-URI user rings for those).
 */
export function classGroundTruth(sipClass: SipClass, extensionsListed: boolean): ExpectedGhostCall {
  switch (sipClass) {
    case 'rings':
      return 'rings';
    case 'refuse-403':
    case 'trying-then-403':
    case 'challenge-401':
      return 'refuses';
    case 'drop-invite':
      return 'ignores';
    case 'checks-request-uri-user':
      return extensionsListed ? 'rings' : 'refuses';
  }
}

/** How long a `trying-then-403` phone thinks before refusing (a CANCEL in between gets 200 and 487, as from any UAS). */
export const TRYING_DELAY_MS = 60;
