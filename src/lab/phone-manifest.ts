/** The lab's ground truth for the auditor: what a phone's applied settings make it do, without secrets. */
import type { PhoneBehaviour, PhoneIdentity, RequestValidationMode } from '../model/vendor-lab.js';
import { classGroundTruth, type ExpectedGhostCall, type SipClass } from './sip-classes.js';

/** What the phone's settings make it do, without secrets: the auditor's ground truth. */
export interface PhoneExpectation {
  /** an INVITE from a non-trusted source — to a made-up user, or to the phone's own extension — rings on at least one listening port (a ghost call) */
  ringsForStrangers: boolean;
  /** the ghost-call verdict the auditor's INVITE probe should lead to, from this configuration */
  ghostCall: ExpectedGhostCall;
  trustedOnly: boolean;
  trustedSources: string[];
  directIpCalls: boolean;
  requestValidation?: RequestValidationMode;
  autoAnswer: boolean;
  intercomAutoAnswer: boolean;
  rejectAnonymous: boolean;
  defaultAdminPassword: boolean;
  /** the web UI answers over HTTPS and not over plain HTTP */
  webHttps: boolean;
  snmpEnabled: boolean;
  snmpDefaultCommunity: boolean;
  accountsActive: number;
  restApi?: boolean;
}

/**
 * What a stranger's INVITE does, from the phone's own configuration: its behaviour class when it has one, else its
 * settings (trusted-only listeners drop it; INVITE validation refuses it with 403/401; otherwise the probe's
 * unsupported Require: draws 420 before the call is processed, and a plain INVITE rings when direct IP calls are on).
 */
function strangerTruth(
  b: PhoneBehaviour,
  sipClass: SipClass | undefined,
  factory: boolean,
): Pick<PhoneExpectation, 'ringsForStrangers' | 'ghostCall'> {
  if (b.sipListeners.length === 0) return { ringsForStrangers: false, ghostCall: 'ignores' };
  if (sipClass) {
    const listed = !factory && b.accountUsers.length > 0;
    const ghostCall = classGroundTruth(sipClass, listed);
    return {
      ringsForStrangers: sipClass === 'rings' || (sipClass === 'checks-request-uri-user' && b.accountUsers.length > 0),
      ghostCall,
    };
  }
  const open = b.sipListeners.some((l) => !l.trustedOnly);
  if (!open) return { ringsForStrangers: false, ghostCall: 'ignores' };
  const validated = b.requestValidation.INVITE !== undefined || b.inviteDigest;
  return {
    ringsForStrangers: b.directIpCalls && !b.checkUserId && !validated,
    ghostCall: validated ? 'refuses' : 'likely-rings',
  };
}

export interface PhoneManifest extends PhoneIdentity {
  ip: string;
  factory: boolean;
  /** account 1's SIP port (undefined when no account listens) */
  sipPort?: number;
  sipPorts: number[];
  /** where the web UI listens, per the settings (plain HTTP, HTTPS) */
  httpPort?: number;
  httpsPort?: number;
  snmpPort?: number;
  provisioned: boolean;
  errors: string[];
  /** the behaviour class the lab gave it, if any */
  sipClass?: SipClass;
  expect: PhoneExpectation;
}

export function phoneExpectation(b: PhoneBehaviour, sipClass: SipClass | undefined, factory: boolean): PhoneExpectation {
  return {
    ...strangerTruth(b, sipClass, factory),
    trustedOnly: b.trustedOnly,
    trustedSources: b.trustedSources,
    directIpCalls: b.directIpCalls,
    ...(b.inviteRequestValidation ? { requestValidation: b.inviteRequestValidation } : {}),
    autoAnswer: b.autoAnswer,
    intercomAutoAnswer: b.intercomAutoAnswer,
    rejectAnonymous: b.rejectAnonymous,
    defaultAdminPassword: b.defaultAdminPassword,
    webHttps: b.web.https && !b.web.http,
    snmpEnabled: b.snmpEnabled,
    snmpDefaultCommunity: b.snmpCommunity === 'public',
    accountsActive: b.accountsActive,
    ...(b.restApi !== undefined ? { restApi: b.restApi } : {}),
  };
}
