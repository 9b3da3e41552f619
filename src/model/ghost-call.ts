/**
 * The ghost-call verdict: will this phone ring for a scanner? One definition, used by every surface (audit text, JSON,
 * CSV, HTML, check, dashboard, schedules, demo). Pure: the host's SIP observations in, the verdict out.
 *
 *  - `rings`        a 180/183/2xx to the auditor's unsolicited INVITE (proof);
 *  - `likely-rings` a stranger's INVITE was processed without alerting (420 to an unsupported `Require:`), or the
 *                   refuse-strangers setting is shown off (read-back, or a vendor fact about a stranger's OPTIONS)
 *                   while the INVITE behaviour is unproven;
 *  - `refuses`      the INVITE probe drew a final 4xx/5xx/6xx (a 401/407 challenge included) with no 180/183;
 *  - `ignores`      no answer to the INVITE probe, or SIP silent on every probed port;
 *  - `unknown`      nothing decisive; `howToTell` names the probe or credential that would decide it.
 *
 * `100 Trying` is the transaction layer answering: it proves nothing about the call.
 */

export const GHOST_CALL_VERDICTS = ['rings', 'likely-rings', 'refuses', 'ignores', 'unknown'] as const;
export type GhostCallVerdict = (typeof GHOST_CALL_VERDICTS)[number];

export interface GhostCall {
  verdict: GhostCallVerdict;
  /** the facts behind the verdict, the real response sequences included */
  evidence: string[];
  /** for `unknown` and `likely-rings`: the probe or credential that would decide it */
  howToTell?: string;
}

/** One SIP transaction as the auditor saw it (the auditor's probe results fit this shape). */
export interface SipExchange {
  port: number;
  /** answered | closed (port unreachable) | timeout | malformed | error */
  outcome: string;
  /** every response status in arrival order, provisional and final */
  responses?: readonly number[];
  /** final status (OPTIONS) */
  status?: number;
  reason?: string;
  /** INVITE: the Request-URI user addressed */
  user?: string;
  /** INVITE: how the auditor ended the transaction */
  ended?: string;
}

export interface GhostCallInput {
  /** SIP OPTIONS per probed port */
  options: readonly SipExchange[];
  /** the INVITE probe, one per Request-URI user; empty when it was not sent */
  invites: readonly SipExchange[];
  /** why no INVITE probe was sent (e.g. "check --safe"); shown when it would have decided */
  inviteNotSent?: string;
  /** the phone's own extensions (from the inventory), when known */
  ownExtensions?: readonly string[];
  /** the phone's refuse-strangers (trusted-only) setting as read back from it */
  refuseStrangers?: 'on' | 'off';
  /** vendor facts, from the vendor's auditor capability */
  vendor?: {
    displayName: string;
    /** with trusted-only on, this vendor's phones do not answer a stranger's OPTIONS (so a 2xx shows the setting off) */
    trustedOnlyDropsOptions?: boolean;
  };
}

const REASONS: Readonly<Record<number, string>> = {
  100: 'Trying',
  180: 'Ringing',
  181: 'Call Is Being Forwarded',
  182: 'Queued',
  183: 'Session Progress',
  200: 'OK',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  407: 'Proxy Authentication Required',
  420: 'Bad Extension',
  480: 'Temporarily Unavailable',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  603: 'Decline',
};

const named = (status: number): string => (REASONS[status] ? `${status} ${REASONS[status]}` : String(status));

/** "100 Trying → 180 Ringing → 487 Request Terminated", or "no answer". */
export function responseSequence(statuses: readonly number[]): string {
  return statuses.length ? statuses.map(named).join(' → ') : 'no answer';
}

const alerting = (s: number): boolean => s === 180 || s === 183 || (s >= 200 && s < 300);
const statusesOf = (x: SipExchange): readonly number[] => x.responses ?? (x.status !== undefined ? [x.status] : []);
/** the final answer the phone gave by itself: a 487 drawn by the auditor's own CANCEL is not the phone's decision */
const finalOf = (x: SipExchange): number | undefined => statusesOf(x).find((s) => s >= 300 && !(s === 487 && x.ended === 'cancel'));

function inviteLine(x: SipExchange): string {
  const to = `INVITE to ${x.user ?? '(no user)'} on udp/${x.port}`;
  if (x.outcome === 'closed') return `${to}: port unreachable`;
  if (x.outcome === 'timeout' && statusesOf(x).length === 0) return `${to}: no answer`;
  if (x.outcome === 'malformed') return `${to}: no valid SIP answer`;
  if (x.outcome === 'error') return `${to}: could not be sent`;
  const ended = x.ended && x.ended !== 'none' ? `; the auditor ended it with ${x.ended.toUpperCase()}` : '';
  return `${to} drew ${responseSequence(statusesOf(x))}${ended}`;
}

function optionsLine(x: SipExchange): string {
  if (x.outcome === 'answered') return `OPTIONS from the auditor on udp/${x.port} answered ${responseSequence(statusesOf(x))}`;
  if (x.outcome === 'closed') return `udp/${x.port}: port unreachable`;
  if (x.outcome === 'timeout') return `udp/${x.port}: no answer to OPTIONS`;
  if (x.outcome === 'malformed') return `udp/${x.port}: no valid SIP answer to OPTIONS`;
  return `udp/${x.port}: OPTIONS could not be sent`;
}

const INVITE_PROBE = 'the non-ringing INVITE probe (`ghostguard check` without --safe, or `audit --intrusive`)';

export function ghostCallVerdict(input: GhostCallInput): GhostCall {
  const sent = input.invites.filter((x) => x.outcome !== 'error');
  const invites = sent.map(inviteLine);
  const options = input.options.map(optionsLine);
  const evidence = (...lead: string[]) => [...lead, ...invites, ...options];

  const rang = sent.find((x) => statusesOf(x).some(alerting));
  if (rang) return { verdict: 'rings', evidence: evidence() };

  const processed = sent.find((x) => finalOf(x) === 420);
  if (processed) {
    return {
      verdict: 'likely-rings',
      evidence: evidence(
        `the phone processed a stranger's INVITE (420 Bad Extension to the probe's unsupported Require:): it did not ring only because of the probe's option tag`,
      ),
      howToTell:
        'a real call from a stranger without the Require: header would show whether it alerts (not sent by ghostguard: it would ring the phone)',
    };
  }

  const refused = sent.filter((x) => finalOf(x) !== undefined);
  if (refused.length > 0) {
    const own = new Set(input.ownExtensions ?? []);
    const userChecked = refused.some((x) => [404, 480, 484].includes(finalOf(x)!)) && !sent.some((x) => x.user && own.has(x.user));
    const lead = userChecked
      ? [
          'the phone may check the Request-URI user: it could still ring for its own extension (list its extensions in the inventory to have them probed)',
        ]
      : [];
    return { verdict: 'refuses', evidence: evidence(...lead) };
  }

  const answeredOnly100 = sent.find((x) => statusesOf(x).length > 0);
  if (answeredOnly100) {
    return {
      verdict: 'unknown',
      evidence: evidence('the phone acknowledged the INVITE (100 Trying is the transaction layer) but sent no further answer'),
      howToTell: 'repeat the INVITE probe with a longer --timeout',
    };
  }

  if (sent.length > 0 && sent.every((x) => x.outcome === 'timeout' || x.outcome === 'closed')) {
    return {
      verdict: 'ignores',
      evidence: evidence('consistent with a phone that accepts SIP only from its own servers; only a read-back proves the setting'),
    };
  }

  // No decisive INVITE answer: what the OPTIONS answers and the setting show.
  const answered = input.options.filter((x) => x.outcome === 'answered');
  const notSent = input.inviteNotSent ? `the INVITE probe was not sent (${input.inviteNotSent})` : 'the INVITE probe was not sent';
  if (input.refuseStrangers === 'off') {
    return {
      verdict: 'likely-rings',
      evidence: evidence("read-back: the phone's refuse-strangers (trusted-only) setting is off", notSent),
      howToTell: INVITE_PROBE,
    };
  }
  const ok = answered.find((x) => {
    const s = finalOf(x) ?? x.status ?? 0;
    return s >= 200 && s < 300;
  });
  if (ok && input.vendor?.trustedOnlyDropsOptions) {
    return {
      verdict: 'likely-rings',
      evidence: evidence(
        `${input.vendor.displayName} phones with trusted-only on do not answer a stranger's OPTIONS: this one answered, so the setting is off`,
        notSent,
      ),
      howToTell: INVITE_PROBE,
    };
  }
  if (answered.length > 0) {
    const setting = input.refuseStrangers === 'on' ? ['read-back: the refuse-strangers (trusted-only) setting is on'] : [];
    return {
      verdict: 'unknown',
      evidence: evidence("a stranger's SIP is answered; whether an INVITE would ring is unproven", ...setting, notSent),
      howToTell: INVITE_PROBE,
    };
  }
  const probed = input.options.filter((x) => x.outcome === 'timeout' || x.outcome === 'closed');
  if (probed.length > 0 && probed.length === input.options.length) {
    return {
      verdict: 'ignores',
      evidence: evidence(
        'SIP is silent on every probed port: consistent with trusted-only (or SIP on a port not probed); only a read-back proves the setting',
      ),
    };
  }
  return {
    verdict: 'unknown',
    evidence: evidence(input.options.length ? 'no usable SIP answer' : 'no SIP port was probed'),
    howToTell: "probe the phone's SIP port (--sip-ports) and run the INVITE probe",
  };
}
