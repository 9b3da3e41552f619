/**
 * The SIP behaviour classes of issue 12 and the ghost-call verdict each must get. The verdicts are written from the
 * issue's definitions (rings: a 180/183/2xx to the auditor's INVITE; likely-rings: 420 to an unsupported Require:;
 * refuses: a 4xx/5xx/6xx final or a challenge without 180/183; ignores: no answer to the INVITE, or SIP silent),
 * never from what ghostguard happens to output.
 */
export type BehaviourClass =
  | 'silent'
  | 'refuse-403'
  | 'drop-invite'
  | 'trying-then-403'
  | 'ring-until-cancel'
  | 'require-420'
  | 'challenge-401'
  | 'checks-request-uri-user';

export type GhostVerdict = 'rings' | 'likely-rings' | 'refuses' | 'ignores' | 'unknown';

export const EXPECTED_VERDICT: Readonly<Record<BehaviourClass, GhostVerdict>> = {
  silent: 'ignores',
  'refuse-403': 'refuses',
  'drop-invite': 'ignores',
  'trying-then-403': 'refuses',
  'ring-until-cancel': 'rings',
  'require-420': 'likely-rings',
  'challenge-401': 'refuses',
  // once the inventory lists its extension, the probe addressed to that extension draws 180
  'checks-request-uri-user': 'rings',
};

/** Every class has a sipp UAS scenario too (test/fixtures/sipp/<class>.xml); checks-request-uri-user's own extension is 2001. */
export const SIPP_CLASSES: readonly BehaviourClass[] = [
  'silent',
  'refuse-403',
  'drop-invite',
  'trying-then-403',
  'ring-until-cancel',
  'require-420',
  'challenge-401',
  'checks-request-uri-user',
];
export const SIPP_OWN_EXTENSION = '2001';
