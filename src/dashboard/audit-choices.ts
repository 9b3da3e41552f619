/**
 * The dashboard audit's probe choices — the CLI's ports (SIP, web, SNMP, SSH), login options and the INVITE probe — from the audit form or
 * the JSON API, validated by the CLI's own option parser so both accept and refuse the same values.
 */
import type { AuditOptions } from '../auditor/audit.js';
import { toAuditOptions } from '../auditor/audit-options.js';

export type AuditChoices = Pick<
  AuditOptions,
  'sipPorts' | 'httpPorts' | 'httpsPorts' | 'snmpPort' | 'sshPorts' | 'intrusive' | 'defaultLogin' | 'plainHttpLogin'
>;

export interface AuditChoiceFields {
  sipPorts?: string;
  httpPorts?: string;
  httpsPorts?: string;
  snmpPort?: string | number;
  /** where an identified phone is checked for an SSH banner (ssh-off); none by default, as in the CLI */
  sshPorts?: string;
  intrusive?: boolean;
  defaultLogin?: boolean;
  plainHttpLogin?: boolean;
}

const text = (v: unknown): string | undefined => {
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return undefined;
  const t = v.trim().slice(0, 200);
  return t || undefined;
};

/**
 * A submitted form: an unticked checkbox sends nothing, so the form's hidden `form=audit` field tells "unticked" from
 * "not offered" (a client that sends no such field keeps the defaults: factory login on, the rest off).
 */
export function choicesFromForm(body: Record<string, unknown>): AuditChoiceFields {
  const ticked = (name: string) => body[name] === 'on';
  const form = body.form === 'audit';
  const out: AuditChoiceFields = {
    sipPorts: text(body.sipPorts),
    httpPorts: text(body.httpPorts),
    httpsPorts: text(body.httpsPorts),
    snmpPort: text(body.snmpPort),
    sshPorts: text(body.sshPorts),
  };
  if (form)
    Object.assign(out, { intrusive: ticked('intrusive'), defaultLogin: ticked('defaultLogin'), plainHttpLogin: ticked('plainHttpLogin') });
  return out;
}

/** Fields → AuditOptions (only those given); throws GG_ERR_USAGE naming the bad field, as the CLI does. */
export function auditChoices(f: AuditChoiceFields): Partial<AuditChoices> {
  const o = toAuditOptions(
    {
      targets: [],
      sipPorts: text(f.sipPorts),
      httpPorts: text(f.httpPorts),
      httpsPorts: text(f.httpsPorts),
      snmpPort: text(f.snmpPort),
      sshPorts: text(f.sshPorts),
      intrusive: f.intrusive,
      defaultLogin: f.defaultLogin,
      plainHttpLogin: f.plainHttpLogin,
    },
    () => '',
  );
  const out: Partial<AuditChoices> = {};
  if (o.sipPorts) out.sipPorts = o.sipPorts;
  if (o.httpPorts) out.httpPorts = o.httpPorts;
  if (o.httpsPorts) out.httpsPorts = o.httpsPorts;
  if (o.snmpPort !== undefined) out.snmpPort = o.snmpPort;
  if (o.sshPorts?.length) out.sshPorts = o.sshPorts;
  if (f.intrusive !== undefined) out.intrusive = f.intrusive;
  if (f.defaultLogin !== undefined) out.defaultLogin = f.defaultLogin;
  if (f.plainHttpLogin !== undefined) out.plainHttpLogin = f.plainHttpLogin;
  return out;
}
